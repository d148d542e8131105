// Local logins where libpam cannot be used: /etc/shadow and crypt, with check_shell, as README and ftpd.conf say.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Accounts;

[TestFixture, Parallelizable(ParallelScope.All)]
public class ShadowFallbackTests
{
    private string _bin = "";

    /// <summary>
    /// The binaries copied beside a "libpam.so.0" that has no pam_start (a copy of another
    /// library): the master loads it from its own directory, finds no entry point, and falls back.
    /// </summary>
    [OneTimeSetUp]
    public void CopyWithoutPam()
    {
        if (!AccountsSetup.IsRoot) return;
        _bin = Directory.CreateTempSubdirectory("ftpfork-nopam-").FullName;
        File.SetUnixFileMode(_bin, (UnixFileMode)Convert.ToInt32("755", 8));
        foreach (var f in Directory.GetFiles(ServerProcess.BinDir).Where(f => !f.EndsWith(".dbg")))
        {
            string to = Path.Combine(_bin, Path.GetFileName(f));
            File.Copy(f, to);
            File.SetUnixFileMode(to, File.GetUnixFileMode(f));
        }
        File.Copy(Path.Combine(ServerProcess.BinDir, "libMonoPosixHelper.so"), Path.Combine(_bin, "libpam.so.0"));
    }

    [OneTimeTearDown]
    public void RemoveCopy()
    {
        if (_bin != "") Directory.Delete(_bin, true);
    }

    private ServerProcess Start(params string[] more) =>
        ServerProcess.StartBinary(Path.Combine(_bin, "ftpfork"), new[] { "local_enable=YES", "anonymous_enable=NO" }.Concat(more).ToArray());

    private static FtpReply Login(ServerProcess server, TestUser user)
    {
        using var c = server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        return c.Login(user.Name, user.Password);
    }

    [Test]
    public void WithoutPamTheShadowPasswordIsChecked()
    {
        Need.Root();
        using var user = new TestUser();
        using var server = Start();
        Assert.That(Login(server, user).ToString(), Is.EqualTo("230 Login successful."), server.Log);
        Assert.That(server.LogShows($"login as {user.Name} from 127.0.0.1 (local, shadow (libpam not available))"), Is.True, server.Log);
        using var c = server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Login(user.Name, "wrong").ToString(), Is.EqualTo("530 Login incorrect."));
    }

    [TestCase("YES", "530 Login incorrect.")]
    [TestCase("NO", "230 Login successful.")]
    public void CheckShellRefusesAShellNotInEtcShells(string value, string reply)
    {
        Need.Root();
        using var user = new TestUser(shell: "/usr/sbin/nologin-ftpfork-test"); // in no /etc/shells
        using var server = Start($"check_shell={value}");
        Assert.That(Login(server, user).ToString(), Is.EqualTo(reply), server.Log);
        if (value == "YES")
            Assert.That(server.LogShows("shell /usr/sbin/nologin-ftpfork-test not in /etc/shells"), Is.True, server.Log);
    }
}
