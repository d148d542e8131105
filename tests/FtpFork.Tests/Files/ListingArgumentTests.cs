// LIST/NLST arguments as real clients send them: NLST names usable as paths, option words, names with spaces (vsftpd 3.0.3's outputs).
using System.Text;
using FtpFork.Tests.Harness;
using FtpFork.Worker;
using NUnit.Framework;

namespace FtpFork.Tests.Files;

[TestFixture, Parallelizable(ParallelScope.All)]
public class ListingArgumentTests
{
    private static void MakeTree(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "dir", "sub"));
        Directory.CreateDirectory(Path.Combine(root, " leading space dir"));
        foreach (var f in new[] { "dir/a1.txt", "dir/a2.txt", "dir/b.log", "dir/sub/s.txt", " leading space dir/inside.txt", "top.txt", "-dash" })
            File.WriteAllText(Path.Combine(root, f), "x");
    }

    /// <summary>The bytes a listing command sends on a PASV data connection (asserting 150 and 226).</summary>
    private static string Listing(FtpTestClient c, string command)
    {
        using var data = DataClient.Pasv(c);
        var mark = c.Command(command);
        Assert.That(mark.Code, Is.EqualTo(150), $"{command}: {mark}");
        string text = Encoding.UTF8.GetString(DataClient.ReadAll(data));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226), command);
        return text;
    }

    [TestCase("NLST dir", "dir/a1.txt|dir/a2.txt|dir/b.log|dir/sub")]
    [TestCase("NLST dir/", "dir/a1.txt|dir/a2.txt|dir/b.log|dir/sub")]
    [TestCase("NLST /dir/", "/dir/a1.txt|/dir/a2.txt|/dir/b.log|/dir/sub")]
    [TestCase("NLST ./dir", "./dir/a1.txt|./dir/a2.txt|./dir/b.log|./dir/sub")]
    [TestCase("NLST dir/.", "dir/./a1.txt|dir/./a2.txt|dir/./b.log|dir/./sub")]
    [TestCase("NLST dir/*.txt", "dir/a1.txt|dir/a2.txt")]
    [TestCase("NLST dir//*.txt", "dir/a1.txt|dir/a2.txt")]
    [TestCase("NLST dir/s*", "dir/sub")]
    [TestCase("NLST /*.txt", "/top.txt")]
    [TestCase("NLST dir/a1.txt", "dir/a1.txt")]
    [TestCase("NLST -a dir", "dir/.|dir/..|dir/a1.txt|dir/a2.txt|dir/b.log|dir/sub")]
    [TestCase("NLST", " leading space dir|dir|top.txt")]
    [TestCase("NLST .", " leading space dir|dir|top.txt")]
    [TestCase("NLST /", "/ leading space dir|/dir|/top.txt")]
    [TestCase("NLST *.txt", "top.txt")]
    [TestCase("NLST -R dir", "dir:|dir/a1.txt|dir/a2.txt|dir/b.log|dir/sub||dir/sub:|dir/sub/s.txt")]
    [TestCase("NLST  leading space dir", " leading space dir/inside.txt")]
    public void NlstNamesAreUsableAsPathsAsTheArgumentGaveThem(string command, string expected)
    {
        using var server = ServerProcess.Start("ls_recurse_enable=YES");
        MakeTree(server.Root);
        File.Delete(Path.Combine(server.Root, "-dash")); // vsftpd's tree for these outputs has none
        using var c = DataClient.LoggedIn(server);
        Assert.That(Listing(c, command), Is.EqualTo(expected.Replace("|", "\r\n") + "\r\n"));
    }

    [Test]
    public void MdeleteOfNlstNamesDeletesEveryFile()
    {
        // inetutils-ftp's and tnftp's mdelete/mget: NLST the pattern, then DELE/RETR each name it returned.
        using var server = ServerProcess.Start(DataClient.AnonWritable);
        string pub = DataClient.WritableDir(server);
        Directory.CreateDirectory(Path.Combine(pub, "dir"));
        foreach (var f in new[] { "a1.txt", "a2.txt", "b.log" }) File.WriteAllText(Path.Combine(pub, "dir", f), f);
        ServerProcess.GiveToAnonymous(pub);
        var r = RunTool.Python($$"""
            import ftplib
            f = ftplib.FTP(); f.connect('127.0.0.1', {{server.Port}}); f.login(); f.cwd('/pub')
            got = [f.retrbinary('RETR ' + n, lambda b: None) for n in f.nlst('dir')]
            print('RETR', got)
            print('DELE', [f.delete(n) for n in f.nlst('dir/*.txt')])
            """);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stdout + r.Stderr);
        Assert.That(r.Stdout, Does.Contain("RETR ['226 Transfer complete.', '226 Transfer complete.', '226 Transfer complete.']"));
        Assert.That(r.Stdout, Does.Contain("DELE ['250 Delete operation successful.', '250 Delete operation successful.']"));
        Assert.That(Directory.GetFiles(Path.Combine(pub, "dir")).Select(Path.GetFileName), Is.EqualTo(new[] { "b.log" }));
    }

    [Test]
    public void ListKeepsTheSpacesOfTheName()
    {
        using var server = ServerProcess.Start();
        MakeTree(server.Root);
        using var c = DataClient.LoggedIn(server);
        Assert.That(Listing(c, "LIST  leading space dir"), Does.EndWith(" inside.txt\r\n"));
        Assert.That(Listing(c, "LIST -la  leading space dir"), Does.EndWith(" inside.txt\r\n").And.Contain(" ..\r\n"));
        Assert.That(Listing(c, "NLST -l  leading space dir"), Does.EndWith(" inside.txt\r\n"));
        Assert.That(Listing(c, "LIST  "), Is.Empty, "a name of one space is that name (vsftpd: nothing)");
    }

    [Test]
    public void OnlyLeadingOptionWordsAreOptions()
    {
        using var server = ServerProcess.Start();
        MakeTree(server.Root);
        using var c = DataClient.LoggedIn(server);
        Assert.That(Listing(c, "LIST -a -l dir"), Does.Contain(" a1.txt\r\n").And.Contain(" ..\r\n"));
        Assert.That(Listing(c, "LIST -- -dash"), Does.EndWith(" -dash\r\n"));
        Assert.That(Listing(c, "NLST -- -dash"), Is.EqualTo("-dash\r\n"));
    }

    [TestCase("-la", "", true, false)]
    [TestCase("-la  lead", " lead", true, false)]
    [TestCase("-a -R dir name", "dir name", true, true)]
    [TestCase("-a -- -R", "-R", true, false)]
    [TestCase("  two spaces", "  two spaces", false, false)]
    [TestCase("x -a", "x -a", false, false)]
    [TestCase("name ", "name ", false, false)]
    public void ListArgumentKeepsTheName(string arg, string path, bool all, bool recursive)
    {
        var r = ListRequest.Parse(arg);
        Assert.That(r.Path, Is.EqualTo(path));
        Assert.That(r.All, Is.EqualTo(all));
        Assert.That(r.Recursive, Is.EqualTo(recursive));
    }
}
