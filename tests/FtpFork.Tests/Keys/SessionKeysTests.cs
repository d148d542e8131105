// One test per session key on a running server: what anonymous may read and write, upload modes, ASCII, command lists, messages, local time.
using System.Net.Sockets;
using System.Text;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Keys;

[TestFixture, Parallelizable(ParallelScope.All)]
public class SessionKeysTests
{
    private static string[] Writable(params string[] more) => DataClient.AnonWritable.Concat(more).ToArray();

    /// <summary>A file the session's account can read (its owner) that is not readable by "other".</summary>
    private static string OwnerOnlyFile(ServerProcess server, string name)
    {
        string path = Path.Combine(server.Root, name);
        File.WriteAllText(path, "owner only");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        ServerProcess.GiveToAnonymous(path);
        return path;
    }

    [TestCase("YES", "550 Failed to open file.")]
    [TestCase("NO", "150 Opening BINARY mode data connection for o.txt (10 bytes).")]
    public void AnonWorldReadableOnly(string value, string reply)
    {
        using var server = ServerProcess.Start($"anon_world_readable_only={value}");
        OwnerOnlyFile(server, "o.txt"); // the kernel lets the session read it: only the key refuses
        using var c = DataClient.LoggedIn(server);
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("RETR o.txt").ToString(), Is.EqualTo(reply));
        if (value == "YES") return;
        Assert.That(Encoding.ASCII.GetString(DataClient.ReadAll(d)), Is.EqualTo("owner only"));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
    }

    [Test]
    public void NoAnonPasswordLogsInAtUser()
    {
        using (var server = ServerProcess.Start("no_anon_password=YES"))
        using (var c = server.Connect())
        {
            Assert.That(c.ReadReply().Code, Is.EqualTo(220));
            Assert.That(c.Command("USER anonymous").ToString(), Is.EqualTo("230 Login successful."));
            Assert.That(c.Command("PWD").Code, Is.EqualTo(257));
        }
        using (var server = ServerProcess.Start("no_anon_password=NO"))
        using (var c = server.Connect())
        {
            Assert.That(c.ReadReply().Code, Is.EqualTo(220));
            Assert.That(c.Command("USER anonymous").ToString(), Is.EqualTo("331 Please specify the password."));
        }
    }

    [Test]
    public void UploadsGetFileOpenModeLessTheAnonUmask()
    {
        using var server = ServerProcess.Start(DataClient.AnonWritable.Where(s => !s.StartsWith("anon_umask")).Append("file_open_mode=0660").Append("anon_umask=026").ToArray());
        string pub = DataClient.WritableDir(server);
        using var c = DataClient.LoggedIn(server);
        var d = DataClient.Pasv(c);
        Assert.That(c.Command("STOR pub/m.bin").Code, Is.EqualTo(150));
        DataClient.WriteAllAndClose(d, new byte[10]);
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(File.GetUnixFileMode(Path.Combine(pub, "m.bin")), Is.EqualTo((UnixFileMode)Convert.ToInt32("640", 8)), "0660 & ~026");
    }

    [Test]
    public void MessageFileNamesTheDirectoryMessage()
    {
        using var server = ServerProcess.Start("dirmessage_enable=YES", "message_file=WELCOME.txt");
        Directory.CreateDirectory(Path.Combine(server.Root, "pub"));
        File.WriteAllText(Path.Combine(server.Root, "pub", ".message"), "not this one\n");
        File.WriteAllText(Path.Combine(server.Root, "pub", "WELCOME.txt"), "Welcome to pub\n");
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("CWD pub").Lines, Is.EqualTo(new[] { "250-Welcome to pub", "250 Directory successfully changed." }));
    }

    [Test]
    public void DownloadEnableNoRefusesRetrOnly()
    {
        using var server = ServerProcess.Start("download_enable=NO");
        DataClient.RandomFile(Path.Combine(server.Root, "f.bin"), 100);
        using var c = DataClient.LoggedIn(server);
        using (var d = DataClient.Pasv(c))
            Assert.That(c.Command("RETR f.bin").ToString(), Is.EqualTo("550 Permission denied."));
        Assert.That(c.Command("SIZE f.bin").ToString(), Is.EqualTo("213 100"), "only downloads are refused");
        using var d2 = DataClient.Pasv(c);
        Assert.That(c.Command("NLST").Code, Is.EqualTo(150));
        Assert.That(Encoding.ASCII.GetString(DataClient.ReadAll(d2)), Is.EqualTo("f.bin\r\n"));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
    }

    [TestCase("YES", false)]
    [TestCase("NO", true)]
    public void DeleteFailedUploadsRemovesWhatAnAbortedUploadLeft(string value, bool kept)
    {
        using var server = ServerProcess.Start(Writable($"delete_failed_uploads={value}"));
        string pub = DataClient.WritableDir(server);
        using var c = DataClient.LoggedIn(server);
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("STOR pub/f.bin").Code, Is.EqualTo(150));
        d.Send(new byte[100_000]);
        string path = Path.Combine(pub, "f.bin");
        Assert.That(ProcTools.WaitUntil(() => File.Exists(path) && new FileInfo(path).Length == 100_000, TimeSpan.FromSeconds(10)), Is.True);
        c.SendLine("ABOR");
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("426 Failure reading network stream."));
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("226 ABOR successful."));
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200)); // the upload's clean-up is over
        Assert.That(File.Exists(path), Is.EqualTo(kept));
    }

    [TestCase("YES", "a\nb\n")]
    [TestCase("NO", "a\r\nb\r\n")]
    public void AsciiUploadEnable(string value, string stored)
    {
        using var server = ServerProcess.Start(Writable($"ascii_upload_enable={value}"));
        string pub = DataClient.WritableDir(server);
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("TYPE A").Code, Is.EqualTo(200));
        var d = DataClient.Pasv(c);
        Assert.That(c.Command("STOR pub/t.txt").Code, Is.EqualTo(150));
        DataClient.WriteAllAndClose(d, Encoding.ASCII.GetBytes("a\r\nb\r\n"));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(File.ReadAllText(Path.Combine(pub, "t.txt")), Is.EqualTo(stored));
    }

    [TestCase("YES", "ASCII", "a\r\nb\r\n")]
    [TestCase("NO", "BINARY", "a\nb\n")]
    public void AsciiDownloadEnable(string value, string mode, string sent)
    {
        using var server = ServerProcess.Start($"ascii_download_enable={value}");
        File.WriteAllText(Path.Combine(server.Root, "t.txt"), "a\nb\n");
        File.SetUnixFileMode(Path.Combine(server.Root, "t.txt"), (UnixFileMode)Convert.ToInt32("644", 8));
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("TYPE A").Code, Is.EqualTo(200));
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("RETR t.txt").ToString(), Is.EqualTo($"150 Opening {mode} mode data connection for t.txt (4 bytes)."));
        Assert.That(Encoding.ASCII.GetString(DataClient.ReadAll(d)), Is.EqualTo(sent));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
    }

    [Test]
    public void CmdsAllowedRefusesEveryOtherVerb()
    {
        using var server = ServerProcess.Start("cmds_allowed=USER,PASS,PWD,QUIT");
        using var c = server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Login().Code, Is.EqualTo(230));
        Assert.That(c.Command("PWD").Code, Is.EqualTo(257));
        Assert.That(c.Command("CWD /").ToString(), Is.EqualTo("550 Permission denied."));
        Assert.That(c.Command("NOOP").ToString(), Is.EqualTo("550 Permission denied."));
        Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
    }

    [Test]
    public void CmdsDeniedRefusesTheListedVerbs()
    {
        using var server = ServerProcess.Start(Writable("cmds_denied=DELE,MKD", "allow_writeable_chroot=YES"));
        File.WriteAllText(Path.Combine(server.Root, "keep.txt"), "x");
        ServerProcess.GiveToAnonymous(server.Root); // the kernel would let the session delete it
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("DELE keep.txt").ToString(), Is.EqualTo("550 Permission denied."), "allowed by the anon_* keys, denied by cmds_denied");
        Assert.That(c.Command("mkd d").ToString(), Is.EqualTo("550 Permission denied."), "verbs match whatever their case");
        Assert.That(File.Exists(Path.Combine(server.Root, "keep.txt")), Is.True);
        Assert.That(c.Command("RNFR keep.txt").Code, Is.EqualTo(350), "a verb not listed");
    }

    [TestCase("YES", "20200102120405")]
    [TestCase("NO", "20200102030405")]
    public void UseLocaltimeShowsTimesInTheServersZone(string value, string mdtm)
    {
        // Asia/Tokyo: UTC+9 all year; the master's workers inherit TZ and read the zone before their chroot.
        using var server = ServerProcess.StartWithEnvironment(new Dictionary<string, string> { ["TZ"] = "Asia/Tokyo" }, $"use_localtime={value}");
        string f = Path.Combine(server.Root, "t.txt");
        File.WriteAllText(f, "x");
        File.SetUnixFileMode(f, (UnixFileMode)Convert.ToInt32("644", 8));
        File.SetLastWriteTimeUtc(f, new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("MDTM t.txt").ToString(), Is.EqualTo("213 " + mdtm));
    }
}
