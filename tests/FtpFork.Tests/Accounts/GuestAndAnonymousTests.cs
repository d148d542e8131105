// Anonymous and virtual users as root: their account, their chroot, and what they may write.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Accounts;

[TestFixture, Parallelizable(ParallelScope.All)]
public class GuestAndAnonymousTests
{
    [Test]
    public void AnonymousRunsAsFtpChrootedInAnonRoot()
    {
        AccountsSetup.NeedRoot();
        using var server = ServerProcess.Start();
        using var c = server.Connect();
        c.ReadReply();
        Assert.That(c.Login("anonymous", "x@y").Code, Is.EqualTo(230));
        int pid = Workers.Find(server, "anonymous:");
        Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(Workers.Account("ftp", 2).ToString()));
        Assert.That(ProcTools.StatusField(pid, "Groups"), Is.Empty);
        Assert.That(Workers.Root(pid), Is.EqualTo(server.Root));
    }

    [Test]
    public void AnonymousCannotWriteUnlessEnabled()
    {
        AccountsSetup.NeedRoot();
        using var server = ServerProcess.Start("write_enable=YES");
        using var c = server.Connect();
        c.ReadReply();
        c.Login("anonymous", "x@y");
        if (!Workers.HasCommand(c, "MKD")) Assert.Ignore("MKD not merged yet");
        Assert.That(c.Command("MKD made").Code, Is.EqualTo(550));
        Assert.That(Directory.Exists(Path.Combine(server.Root, "made")), Is.False);
    }

    [Test]
    public void VirtualUserLandsInItsOwnLocalRootAsTheGuest()
    {
        AccountsSetup.NeedRoot();
        string name = "vu" + Guid.NewGuid().ToString("N")[..8], password = "Vpw-" + Guid.NewGuid().ToString("N")[..8];
        string hash = RunTool.Run("openssl", new[] { "passwd", "-6", password }).Stdout.Trim();
        string baseDir = Directory.CreateTempSubdirectory("ftpfork-virt-").FullName;
        try
        {
            File.SetUnixFileMode(baseDir, (UnixFileMode)Convert.ToInt32("755", 8));
            string mine = Directory.CreateDirectory(Path.Combine(baseDir, name)).FullName;
            File.SetUnixFileMode(mine, (UnixFileMode)Convert.ToInt32("755", 8));
            string users = Path.Combine(baseDir, "virtual_users");
            File.WriteAllText(users, $"other:{hash}\n{name}:{hash}\n");
            using var server = ServerProcess.Start("guest_enable=YES", $"virtual_users_file={users}",
                $"local_root={baseDir}/$USER", "user_sub_token=$USER", "write_enable=YES", "virtual_use_local_privs=YES");
            using (var bad = server.Connect())
            {
                bad.ReadReply();
                Assert.That(bad.Login(name, "wrong").Code, Is.EqualTo(530));
            }
            using var c = server.Connect();
            c.ReadReply();
            Assert.That(c.Login(name, password).Code, Is.EqualTo(230), server.Log);
            int pid = Workers.Find(server, $"{name}:");
            Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(Workers.Account("ftp", 2).ToString()));
            Assert.That(Workers.Root(pid), Is.EqualTo(mine));
            Assert.That(c.Command("PWD").Text, Does.StartWith("\"/\""));
            if (!Workers.HasCommand(c, "MKD")) Assert.Ignore("MKD not merged yet: identity and root checked");
            string upload = Directory.CreateDirectory(Path.Combine(mine, "upload")).FullName;
            RunTool.Run("chown", new[] { "ftp", upload });
            Assert.That(c.Command("MKD /upload/made").Code, Is.EqualTo(257));
            var st = new DirectoryInfo(Path.Combine(upload, "made"));
            Assert.That(RunTool.Run("stat", new[] { "-c", "%u", st.FullName }).Stdout.Trim(), Is.EqualTo(Workers.Account("ftp", 2).ToString()));
        }
        finally
        {
            Directory.Delete(baseDir, recursive: true);
        }
    }
}
