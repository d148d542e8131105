// End-to-end: path safety, every error code and the file commands through the real server (control connection only).
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Files;

[TestFixture, Parallelizable(ParallelScope.All)]
public class FilesServerTests
{
    /// <summary>A server whose root has pub/a.txt and links (to /etc, out of the root, into it, a loop); outside/secret beside the root.</summary>
    private static ServerProcess StartWithTree(params string[] settings)
    {
        bool writes = settings.Contains("write_enable=YES");
        // As root anonymous runs as ftp, chrooted: its root must be its own and allowed to be writable.
        var server = ServerProcess.Start(writes ? settings.Append("allow_writeable_chroot=YES").ToArray() : settings);
        string root = server.Root;
        Directory.CreateDirectory(Path.Combine(root, "pub", "sub"));
        File.WriteAllText(Path.Combine(root, "pub", "a.txt"), "hello");
        File.SetLastWriteTimeUtc(Path.Combine(root, "pub", "a.txt"), new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        Directory.CreateDirectory(Path.Combine(server.Dir, "outside"));
        File.WriteAllText(Path.Combine(server.Dir, "outside", "secret"), "secret");
        File.CreateSymbolicLink(Path.Combine(root, "etclink"), "/etc");
        File.CreateSymbolicLink(Path.Combine(root, "up"), "../outside");
        File.CreateSymbolicLink(Path.Combine(root, "abslink"), Path.Combine(root, "pub"));
        File.CreateSymbolicLink(Path.Combine(root, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(root, "loop2"), "loop1");
        if (writes) ServerProcess.GiveToAnonymous(root);
        return server;
    }

    // Rows and tests that only read the tree share one master per settings (62 masters were
    // started here, one per case): each still gets its own session. Stopped after the fixture.
    private static readonly Dictionary<string, Lazy<ServerProcess>> SharedServers = new();

    /// <summary>A server with the tree for <paramref name="settings"/>, shared by the tests that do not change it; not to be disposed by them.</summary>
    private static ServerProcess Shared(params string[] settings)
    {
        Lazy<ServerProcess> lazy;
        lock (SharedServers)
        {
            string key = string.Join("\n", settings);
            if (!SharedServers.TryGetValue(key, out lazy!)) SharedServers[key] = lazy = new Lazy<ServerProcess>(() => StartWithTree(settings));
        }
        return lazy.Value;
    }

    [OneTimeTearDown]
    public void StopSharedServers()
    {
        lock (SharedServers)
        {
            foreach (var l in SharedServers.Values.Where(l => l.IsValueCreated)) l.Value.Dispose();
            SharedServers.Clear();
        }
    }

    private static FtpTestClient LoggedIn(ServerProcess server)
    {
        var c = server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Login().Code, Is.EqualTo(230));
        return c;
    }

    private static readonly string[] Writable = { "write_enable=YES", "anon_mkdir_write_enable=YES", "anon_other_write_enable=YES" };

    [TestCase("SIZE ../../etc/passwd")]
    [TestCase("SIZE /../../etc/passwd")]
    [TestCase("SIZE ../outside/secret")]
    [TestCase("SIZE etclink/passwd")]
    [TestCase("SIZE up/secret")]
    [TestCase("MDTM up/secret")]
    [TestCase("MDTM /etclink/passwd")]
    [TestCase("SIZE loop1")]
    [TestCase("CWD etclink")]
    [TestCase("CWD up")]
    [TestCase("CWD loop1")]
    public void NoPathLeavesTheRoot(string command)
    {
        var server = Shared();
        using var c = LoggedIn(server);
        var r = c.Command(command);
        Assert.That(r.Code, Is.EqualTo(550), r.ToString());
        Assert.That(c.Command("PWD").Text, Does.StartWith("\"/\""));
    }

    [Test]
    public void DotDotClampsAtTheRoot()
    {
        var server = Shared();
        using var c = LoggedIn(server);
        Assert.That(c.Command("CWD /../..").Code, Is.EqualTo(250));
        Assert.That(c.Command("PWD").Text, Does.StartWith("\"/\""));
        Assert.That(c.Command("CWD ../../..").Code, Is.EqualTo(250));
        Assert.That(c.Command("SIZE pub/a.txt").Text, Is.EqualTo("5"), "still in the root");
        Assert.That(c.Command("CWD pub/sub").Code, Is.EqualTo(250));
        Assert.That(c.Command("SIZE ../../../../pub/a.txt").Text, Is.EqualTo("5"));
        Assert.That(c.Command("CDUP").Code, Is.EqualTo(250));
        Assert.That(c.Command("XPWD").Text, Does.StartWith("\"/pub\""));
        Assert.That(c.Command("XCUP").Code, Is.EqualTo(250));
        Assert.That(c.Command("XCWD pub").Code, Is.EqualTo(250));
    }

    [Test]
    public void ListingsOverTheControlConnectionStayInside()
    {
        var server = Shared();
        using var c = LoggedIn(server);
        var etc = c.Command("STAT etclink/");
        Assert.That(etc.Lines, Has.Length.EqualTo(2), etc.ToString());
        Assert.That(etc.ToString(), Does.Not.Contain("passwd"));
        var up = c.Command("STAT -a up/");
        Assert.That(up.ToString(), Does.Not.Contain("secret"));
        var dots = c.Command("STAT /../../..");
        Assert.That(dots.ToString(), Does.Contain(" pub\r").Or.Contain(" pub"));
        Assert.That(dots.ToString(), Does.Not.Contain("secret"));
        Assert.That(c.Command("STAT -a /").ToString(), Does.Contain("etclink -> /etc"), "the link itself is listed");
        if (ServerProcess.AsRoot)
            Assert.That(c.Command("SIZE abslink/a.txt").Code, Is.EqualTo(550), "chrooted, an absolute link means a path inside the chroot");
        else
            Assert.That(c.Command("SIZE abslink/a.txt").Text, Is.EqualTo("5"), "an absolute link into the root works");
    }

    [Test]
    public void StatWithAnArgumentListsHere()
    {
        using var server = StartWithTree();
        using var c = LoggedIn(server);
        var r = c.Command("STAT /pub");
        Assert.That(r.Code, Is.EqualTo(212));
        Assert.That(r.Lines[0], Is.EqualTo("212-Status follows:"));
        Assert.That(r.Lines[1], Does.Match(@"^-rw-r--r--    1 \d+ +\d+ +5 Jan 02  2020 a\.txt$"));
        Assert.That(r.Lines[2], Does.Match(@"^drwx.{6} +\d+ \d+ +\d+ +\d+ \w{3} \d\d [\d:]{4,5} +sub$"));
        Assert.That(r.Lines[^1], Is.EqualTo("212 End of status"));
        var f = c.Command("STAT pub/*.txt");
        Assert.That(f.Code, Is.EqualTo(213));
        Assert.That(f.Lines, Has.Length.EqualTo(3));
        var status = c.Command("STAT");
        Assert.That(status.Code, Is.EqualTo(211));
        Assert.That(status.ToString(), Does.Contain("Logged in as anonymous").And.Contain("TYPE: ASCII"));
        Assert.That(status.Lines, Does.Contain("     At session startup, client count was 1"));
        using var second = LoggedIn(server);
        Assert.That(second.Command("STAT").Lines, Does.Contain("     At session startup, client count was 2"), "as vsftpd: itself included");
    }

    [Test]
    public void HideIdsInListings()
    {
        using var server = StartWithTree("hide_ids=YES");
        using var c = LoggedIn(server);
        Assert.That(c.Command("STAT pub/a.txt").Lines[1], Does.StartWith("-rw-r--r--    1 ftp      ftp             5 "));
    }

    [Test]
    public void MissingThingsAre550()
    {
        using var server = StartWithTree(Writable);
        using var c = LoggedIn(server);
        Assert.That(c.Command("CWD nowhere").ToString(), Is.EqualTo("550 Failed to change directory."));
        Assert.That(c.Command("CWD pub/a.txt").Code, Is.EqualTo(550));
        Assert.That(c.Command("SIZE nowhere").ToString(), Is.EqualTo("550 Could not get file size."));
        Assert.That(c.Command("SIZE pub").Code, Is.EqualTo(550), "a directory has no SIZE");
        Assert.That(c.Command("MDTM nowhere").ToString(), Is.EqualTo("550 Could not get file modification time."));
        Assert.That(c.Command("DELE nowhere").ToString(), Is.EqualTo("550 Delete operation failed."));
        Assert.That(c.Command("DELE pub").Code, Is.EqualTo(550), "DELE of a directory");
        Assert.That(c.Command("RMD nowhere").ToString(), Is.EqualTo("550 Remove directory operation failed."));
        Assert.That(c.Command("RMD pub").Code, Is.EqualTo(550), "not empty");
        Assert.That(c.Command("RMD pub/a.txt").Code, Is.EqualTo(550), "not a directory");
        Assert.That(c.Command("RNFR nowhere").ToString(), Is.EqualTo("550 RNFR command failed."));
        Assert.That(c.Command("MKD pub").ToString(), Is.EqualTo("550 Create directory operation failed."));
        Assert.That(c.Command("MKD nowhere/x").Code, Is.EqualTo(550));
        Assert.That(c.Command("SITE CHMOD 644 nowhere").ToString(), Is.EqualTo("550 SITE CHMOD command failed."));
        Assert.That(c.Command("MLST nowhere").Code, Is.EqualTo(550));
        Assert.That(c.Command("RNFR pub/a.txt").Code, Is.EqualTo(350));
        Assert.That(c.Command("RNTO nowhere/b.txt").ToString(), Is.EqualTo("550 Rename failed."));
    }

    [Test]
    public void BadNamesAre553()
    {
        using var server = StartWithTree(Writable);
        using var c = LoggedIn(server);
        string longName = new string('x', 300);
        Assert.That(c.Command("MKD " + longName).Code, Is.EqualTo(553));
        Assert.That(c.Command("MKD /").Code, Is.EqualTo(553));
        Assert.That(c.Command("RNFR pub/a.txt").Code, Is.EqualTo(350));
        Assert.That(c.Command("RNTO " + longName).Code, Is.EqualTo(553));
        Assert.That(File.Exists(Path.Combine(server.Root, "pub", "a.txt")), Is.True);
        Assert.That(c.Command("MKD a\0b").Code, Is.EqualTo(500), "NUL is refused by the line reader");
    }

    [Test]
    public void RntoWithoutRnfrIs503()
    {
        using var server = StartWithTree(Writable);
        using var c = LoggedIn(server);
        Assert.That(c.Command("RNTO x").ToString(), Is.EqualTo("503 RNFR required first."));
        Assert.That(c.Command("RNFR pub/a.txt").Code, Is.EqualTo(350));
        Assert.That(c.Command("RNTO pub/b.txt").ToString(), Is.EqualTo("250 Rename successful."));
        Assert.That(c.Command("RNTO pub/c.txt").Code, Is.EqualTo(503), "one RNTO per RNFR");
        Assert.That(File.Exists(Path.Combine(server.Root, "pub", "b.txt")), Is.True);
    }

    [TestCase("TYPE X", 501)]
    [TestCase("TYPE A Q", 501)]
    [TestCase("TYPE E", 504)]
    [TestCase("TYPE A T", 504)]
    [TestCase("TYPE L 16", 504)]
    [TestCase("TYPE", 501)]
    [TestCase("MODE X", 501)]
    [TestCase("MODE B", 504)]
    [TestCase("MODE C", 504)]
    [TestCase("STRU X", 501)]
    [TestCase("STRU R", 504)]
    [TestCase("STRU P", 504)]
    [TestCase("CWD", 501)]
    [TestCase("OPTS FOO BAR", 501)]
    [TestCase("SITE CHMOD 644", 550)]
    [TestCase("SITE NOPE", 500)]
    [TestCase("ACCT x", 502)]
    [TestCase("ALLO 100", 202)]
    [TestCase("TYPE I", 200)]
    [TestCase("TYPE L 8", 200)]
    [TestCase("TYPE A N", 200)]
    [TestCase("type a", 200)]
    [TestCase("MODE S", 200)]
    [TestCase("STRU F", 200)]
    [TestCase("OPTS UTF8 ON", 200)]
    public void ParameterReplies(string command, int code)
    {
        var server = Shared();
        using var c = LoggedIn(server);
        Assert.That(c.Command(command).Code, Is.EqualTo(code));
    }

    [TestCase("MKD x")]
    [TestCase("XMKD x")]
    [TestCase("RMD pub/sub")]
    [TestCase("DELE pub/a.txt")]
    [TestCase("RNFR pub/a.txt")]
    [TestCase("SITE CHMOD 600 pub/a.txt")]
    public void AnonymousCannotWriteByDefault(string command)
    {
        var server = Shared("write_enable=YES");
        using var c = LoggedIn(server);
        Assert.That(c.Command(command).Code, Is.EqualTo(550));
        Assert.That(File.Exists(Path.Combine(server.Root, "pub", "a.txt")), Is.True);
        Assert.That(Directory.Exists(Path.Combine(server.Root, "pub", "sub")), Is.True);
        Assert.That(Directory.Exists(Path.Combine(server.Root, "x")), Is.False);
    }

    [Test]
    public void MkdirOnlyWithAnonMkdirWriteEnable()
    {
        using var server = StartWithTree("write_enable=YES", "anon_mkdir_write_enable=YES");
        using var c = LoggedIn(server);
        Assert.That(c.Command("MKD new dir").ToString(), Is.EqualTo("257 \"/new dir\" created"));
        Assert.That(c.Command("DELE pub/a.txt").Code, Is.EqualTo(550), "anon_other_write_enable=NO");
    }

    [Test]
    public void WriteCommandsWork()
    {
        using var server = StartWithTree(Writable);
        using var c = LoggedIn(server);
        Assert.That(c.Command("CWD pub").Code, Is.EqualTo(250));
        Assert.That(c.Command("MKD \"q\"").ToString(), Is.EqualTo("257 \"/pub/\"\"q\"\"\" created"));
        Assert.That(c.Command("RMD \"q\"").ToString(), Is.EqualTo("250 Remove directory operation successful."));
        Assert.That(c.Command("XMKD d").Code, Is.EqualTo(257));
        Assert.That(c.Command("XRMD d").Code, Is.EqualTo(250));
        Assert.That(c.Command("SITE CHMOD 600 a.txt").ToString(), Is.EqualTo("200 SITE CHMOD command ok."));
        Assert.That(File.GetUnixFileMode(Path.Combine(server.Root, "pub", "a.txt")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(c.Command("SITE CHMOD 4777 a.txt").Code, Is.EqualTo(501), "no setuid through SITE CHMOD");
        Assert.That(c.Command("MDTM 20210304050607 a.txt").ToString(), Is.EqualTo("213 File modification time set."));
        Assert.That(c.Command("MDTM a.txt").ToString(), Is.EqualTo("213 20210304050607"));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(server.Root, "pub", "a.txt")), Is.EqualTo(new DateTime(2021, 3, 4, 5, 6, 7)));
        Assert.That(c.Command("DELE a.txt").ToString(), Is.EqualTo("250 Delete operation successful."));
        Assert.That(File.Exists(Path.Combine(server.Root, "pub", "a.txt")), Is.False);
        // DELE of a link removes the link, not its target: one inside the root (the target stays), one out of it.
        File.WriteAllText(Path.Combine(server.Root, "pub", "keep.txt"), "keep");
        File.CreateSymbolicLink(Path.Combine(server.Root, "pub", "keeplink"), "keep.txt");
        Assert.That(c.Command("DELE keeplink").ToString(), Is.EqualTo("250 Delete operation successful."));
        Assert.That(Gone(Path.Combine(server.Root, "pub", "keeplink")), Is.True, "the link is gone");
        Assert.That(File.ReadAllText(Path.Combine(server.Root, "pub", "keep.txt")), Is.EqualTo("keep"), "its target is not");
        Assert.That(c.Command("DELE /etclink").Code, Is.EqualTo(250));
        Assert.That(Gone(Path.Combine(server.Root, "etclink")), Is.True, "the link out of the root is gone");
        Assert.That(c.Command("RNFR /up").Code, Is.EqualTo(350));
        Assert.That(c.Command("RNTO /up2").Code, Is.EqualTo(250));
        Assert.That(c.Command("SIZE /up2/secret").Code, Is.EqualTo(550), "a renamed escaping link still escapes nothing");
        Assert.That(File.Exists(Path.Combine(server.Dir, "outside", "secret")), Is.True);
    }

    /// <summary>Nothing at the path, not even a symlink (readlink and stat both fail).</summary>
    private static bool Gone(string path) => new FileInfo(path).LinkTarget == null && !Path.Exists(path);

    [Test]
    public void MdtmWriteNoReadsTheWholeArgumentAsAPath()
    {
        using var server = StartWithTree("mdtm_write=NO", "write_enable=YES", "anon_other_write_enable=YES");
        using var c = LoggedIn(server);
        Assert.That(c.Command("MDTM 20210304050607 pub/a.txt").Code, Is.EqualTo(550));
        Assert.That(c.Command("MDTM pub/a.txt").Text, Is.EqualTo("20200102030405"));
    }

    [Test]
    public void SiteUmaskAndHelp()
    {
        using var server = StartWithTree(Writable);
        using var c = LoggedIn(server);
        Assert.That(c.Command("SITE HELP").ToString(), Is.EqualTo("214 CHMOD UMASK HELP"));
        Assert.That(c.Command("SITE UMASK").ToString(), Is.EqualTo("200 Your current UMASK is 077"));
        Assert.That(c.Command("SITE UMASK 022").ToString(), Is.EqualTo("200 UMASK set to 022"));
        Assert.That(c.Command("SITE UMASK").ToString(), Is.EqualTo("200 Your current UMASK is 022"));
        Assert.That(c.Command("MKD m").Code, Is.EqualTo(257));
        Assert.That(File.GetUnixFileMode(Path.Combine(server.Root, "m")) & (UnixFileMode)0x1FF, Is.EqualTo((UnixFileMode)0x1ED), "0777 & ~022");
        Assert.That(c.Command("SITE UMASK 9").Code, Is.EqualTo(501));
    }

    [Test]
    public void SiteHelpWithoutChmodRights()
    {
        using var server = StartWithTree("chmod_enable=NO", "write_enable=YES", "anon_other_write_enable=YES");
        using var c = LoggedIn(server);
        Assert.That(c.Command("SITE HELP").ToString(), Is.EqualTo("214 UMASK HELP"));
        Assert.That(c.Command("SITE CHMOD 600 pub/a.txt").Code, Is.EqualTo(550));
    }

    [Test]
    public void DenyFileRefusesEveryCommandAndWhatIsInADeniedDirectory()
    {
        using var server = StartWithTree(Writable.Append("deny_file={*.secret,private}").ToArray());
        File.WriteAllText(Path.Combine(server.Root, "pub", "x.secret"), "no");
        Directory.CreateDirectory(Path.Combine(server.Root, "private"));
        File.WriteAllText(Path.Combine(server.Root, "private", "plain.txt"), "no");
        ServerProcess.GiveToAnonymous(server.Root);
        using var c = LoggedIn(server);
        Assert.That(c.Command("SIZE pub/a.txt").Code, Is.EqualTo(213), "other names are not affected");
        Assert.That(c.Command("SIZE pub/x.secret").Code, Is.EqualTo(550));
        Assert.That(c.Command("SIZE /pub/../pub/x.secret").Code, Is.EqualTo(550));
        Assert.That(c.Command("MDTM pub/x.secret").Code, Is.EqualTo(550));
        Assert.That(c.Command("SIZE private/plain.txt").Code, Is.EqualTo(550), "vsftpd would allow this one");
        Assert.That(c.Command("CWD private").Code, Is.EqualTo(550));
        Assert.That(c.Command("DELE pub/x.secret").Code, Is.EqualTo(550));
        Assert.That(c.Command("MKD pub/new.secret").Code, Is.EqualTo(550));
        Assert.That(c.Command("RNFR pub/a.txt").Code, Is.EqualTo(350));
        Assert.That(c.Command("RNTO pub/a.secret").Code, Is.AnyOf(550, 553));
        Assert.That(File.Exists(Path.Combine(server.Root, "pub", "x.secret")), Is.True);
        Assert.That(File.Exists(Path.Combine(server.Root, "pub", "a.txt")), Is.True);
        Assert.That(Directory.Exists(Path.Combine(server.Root, "pub", "new.secret")), Is.False);
    }

    [Test]
    public void DirMessageIsShownOnceAtLoginAndOnEnteringADirectory()
    {
        using var server = StartWithTree("dirmessage_enable=YES");
        File.WriteAllText(Path.Combine(server.Root, ".message"), "Hello root\r\nline 2\n");
        File.WriteAllText(Path.Combine(server.Root, "pub", ".message"), "In pub\n");
        using var c = server.Connect();
        c.ReadReply();
        Assert.That(c.Command("USER anonymous").Code, Is.EqualTo(331));
        Assert.That(c.Command("PASS x@y").Lines, Is.EqualTo(new[] { "230-Hello root", "230-line 2", "230 Login successful." }));
        Assert.That(c.Command("CWD pub").Lines, Is.EqualTo(new[] { "250-In pub", "250 Directory successfully changed." }));
        Assert.That(c.Command("CWD /").ToString(), Is.EqualTo("250 Directory successfully changed."), "once per directory");
        Assert.That(c.Command("CWD pub").ToString(), Is.EqualTo("250 Directory successfully changed."));
        Assert.That(c.Command("CWD sub").ToString(), Is.EqualTo("250 Directory successfully changed."), "no message file there");
        using var off = StartWithTree();
        File.WriteAllText(Path.Combine(off.Root, "pub", ".message"), "In pub\n");
        using var c2 = LoggedIn(off);
        Assert.That(c2.Command("CWD pub").ToString(), Is.EqualTo("250 Directory successfully changed."), "dirmessage_enable=NO");
    }

    [Test]
    public void HideFileLeavesNamesOutOfListingsOnly()
    {
        using var server = StartWithTree("hide_file={*.hidden,sub}");
        File.WriteAllText(Path.Combine(server.Root, "pub", "x.hidden"), "shh");
        using var c = LoggedIn(server);
        string listing = c.Command("STAT /pub").ToString();
        Assert.That(listing, Does.Contain("a.txt").And.Not.Contain("x.hidden").And.Not.Contain(" sub"));
        Assert.That(c.Command("SIZE pub/x.hidden").ToString(), Is.EqualTo("213 3"), "hidden, not denied");
        Assert.That(c.Command("CWD pub/sub").Code, Is.EqualTo(250));
    }

    [Test]
    public void FeatListsMlstWithFactsAndNotMlsd()
    {
        var server = Shared();
        using var c = LoggedIn(server);
        var feat = c.Command("FEAT").Lines;
        Assert.That(feat, Does.Contain(" MLST type*;size*;modify*;perm*;unix.mode*;unix.owner*;unix.group*;unique;"));
        Assert.That(feat, Does.Contain(" SIZE").And.Contain(" MDTM").And.Contain(" UTF8").And.Contain(" TVFS"));
        Assert.That(feat.Any(l => l.Contains("MLSD")), Is.False);
        var help = c.Command("HELP").ToString();
        foreach (var v in new[] { "CWD", "XCUP", "MLSD", "SITE", "STAT", "RNTO" }) Assert.That(help, Does.Contain(v));
    }

    [Test]
    public void MlstAndOptsMlst()
    {
        var server = Shared();
        using var c = LoggedIn(server);
        var r = c.Command("MLST pub/a.txt");
        Assert.That(r.Lines[0], Is.EqualTo("250-Listing /pub/a.txt"));
        Assert.That(r.Lines[1], Does.Match(@"^ type=file;size=5;modify=20200102030405;perm=r;unix\.mode=0644;unix\.owner=\d+;unix\.group=\d+; /pub/a\.txt$"));
        Assert.That(r.Lines[2], Is.EqualTo("250 End"));
        Assert.That(c.Command("OPTS MLST size;Type;bogus;").ToString(), Is.EqualTo("200 MLST OPTS type;size;"));
        Assert.That(c.Command("FEAT").Lines, Does.Contain(" MLST type*;size*;modify;perm;unix.mode;unix.owner;unix.group;unique;"),
            "FEAT follows OPTS MLST");
        Assert.That(c.Command("MLST /pub").Lines[1], Is.EqualTo(" type=dir;size=" + new FileInfo(Path.Combine(server.Root, "pub")).Length() + "; /pub"));
    }

    [Test]
    public void Utf8NamesRoundTrip()
    {
        using var server = StartWithTree(Writable);
        using var c = LoggedIn(server);
        const string name = "Ünïcødé-日本";
        Assert.That(c.Command("MKD " + name).ToString(), Is.EqualTo($"257 \"/{name}\" created"));
        Assert.That(Directory.Exists(Path.Combine(server.Root, name)), Is.True);
        Assert.That(c.Command("STAT /").ToString(), Does.Contain(" " + name));
        Assert.That(c.Command("CWD " + name).Code, Is.EqualTo(250));
        Assert.That(c.Command("PWD").Text, Does.StartWith($"\"/{name}\""));
    }

    [Test]
    public void DirlistDisabledRefusesListings()
    {
        using var server = StartWithTree("dirlist_enable=NO");
        using var c = LoggedIn(server);
        Assert.That(c.Command("STAT /").Code, Is.EqualTo(550));
        Assert.That(c.Command("MLST /").Code, Is.EqualTo(550));
        Assert.That(c.Command("LIST").Code, Is.EqualTo(550));
    }

    [Test]
    public void FileCommandsNeedALogin()
    {
        var server = Shared();
        using var c = server.Connect();
        c.ReadReply();
        foreach (var cmd in new[] { "CWD pub", "SIZE pub/a.txt", "STAT /", "MKD x", "TYPE I" })
            Assert.That(c.Command(cmd).Code, Is.EqualTo(530), cmd);
        Assert.That(c.Command("OPTS UTF8 ON").Code, Is.EqualTo(200), "clients send it before USER");
    }
}

internal static class FileInfoExtensions
{
    /// <summary>st_size of a directory as lstat gives it.</summary>
    public static long Length(this FileInfo f) => FtpFork.Common.Interop.PathCalls.LStat(f.FullName)!.Value.Size;
}
