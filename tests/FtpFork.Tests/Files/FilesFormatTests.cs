// Unit tests of the listing text (ls -l as vsftpd, MLSx facts), LIST flags, globs and MDTM's write form.
using FtpFork.Common.Interop;
using FtpFork.Worker;
using NUnit.Framework;

namespace FtpFork.Tests.Files;

[TestFixture, Parallelizable(ParallelScope.All)]
public class FilesFormatTests
{
    private static long T(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) =>
        new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.Zero).ToUnixTimeSeconds();

    private static readonly long Now = T(2024, 11, 25, 13, 12);

    [Test]
    public void DirectoryLineMatchesVsftpd()
    {
        var e = new FileEntry("name", new FileStat(0x4000 | 0x1ED, 2, 0, 0, 4096, T(2024, 11, 25, 13, 12)));
        Assert.That(ListFormat.LsLine(e, new ListStyle(), Now),
            Is.EqualTo("drwxr-xr-x    2 0        0            4096 Nov 25 13:12 name\r\n"));
    }

    [Test]
    public void OldAndFutureFilesShowTheYear()
    {
        var old = new FileEntry("old.txt", new FileStat(0x8000 | 0x1A4, 1, 1000, 100, 123456789, T(2023, 3, 5, 8, 0)));
        Assert.That(ListFormat.LsLine(old, new ListStyle(), Now),
            Is.EqualTo("-rw-r--r--    1 1000     100      123456789 Mar 05  2023 old.txt\r\n"));
        Assert.That(ListFormat.LsDate(Now + 3600, Now, false), Is.EqualTo("Nov 25  2024"));
        Assert.That(ListFormat.LsDate(Now - 60L * 60 * 24 * 181, Now, false), Does.Match(@"^May 2[78] \d\d:\d\d$"));
    }

    [Test]
    public void HideIdsAndSymlinks()
    {
        var link = new FileEntry("l", new FileStat(0xA000 | 0x1FF, 1, 0, 0, 4, T(2024, 11, 1)), "/etc");
        Assert.That(ListFormat.LsLine(link, new ListStyle(HideIds: true), Now),
            Is.EqualTo("lrwxrwxrwx    1 ftp      ftp             4 Nov 01 00:00 l -> /etc\r\n"));
    }

    [TestCase(0x8000u | 0xBEDu, "-rwsr-xr-t")]
    [TestCase(0x4000u | 0xBFFu, "drwsrwxrwt")]
    [TestCase(0x8000u | 0xC00u, "---S--S---")]
    [TestCase(0x1000u | 0x1A4u, "prw-r--r--")]
    [TestCase(0x2000u, "c---------")]
    public void PermissionStrings(uint mode, string expected) => Assert.That(ListFormat.PermString(mode), Is.EqualTo(expected));

    [Test]
    public void MlsxFactsPerRfc3659()
    {
        var f = new FileEntry("a b.txt", new FileStat(0x8000 | 0x1A4, 1, 1000, 100, 5, T(2024, 1, 2, 3, 4, 5)));
        Assert.That(ListFormat.MlsxLine(f, ListFormat.DefaultFacts, "adfrw", new ListStyle()),
            Is.EqualTo("type=file;size=5;modify=20240102030405;perm=adfrw;unix.mode=0644;unix.owner=1000;unix.group=100; a b.txt\r\n"));
        var d = new FileEntry(".", new FileStat(0x4000 | 0x1ED, 2, 0, 0, 4096, T(2024, 1, 2)));
        Assert.That(ListFormat.MlsxLine(d, new[] { "type", "size" }, "el", new ListStyle(), "cdir"), Is.EqualTo("type=cdir;size=4096; .\r\n"));
    }

    [TestCase("-la", "", true, false)]
    [TestCase("-l /pub", "/pub", false, false)]
    [TestCase("-aR dir name", "dir name", true, true)]
    [TestCase("/pub/x y", "/pub/x y", false, false)]
    [TestCase("", "", false, false)]
    public void ListArguments(string arg, string path, bool all, bool recursive)
    {
        var r = ListRequest.Parse(arg);
        Assert.That(r.Path, Is.EqualTo(path));
        Assert.That(r.All, Is.EqualTo(all));
        Assert.That(r.Recursive, Is.EqualTo(recursive));
    }

    [TestCase("*.txt", "a.txt", true)]
    [TestCase("*.txt", "a.txt.gz", false)]
    [TestCase("a?c", "abc", true)]
    [TestCase("a?c", "ac", false)]
    [TestCase("{a,b}*.c", "bx.c", true)]
    [TestCase("{a,b}*.c", "cx.c", false)]
    [TestCase("*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    [TestCase("x{", "x{", true)]
    public void Globs(string pattern, string name, bool match) => Assert.That(ListFormat.GlobMatch(pattern, name), Is.EqualTo(match));

    [Test]
    public void MdtmWriteForm()
    {
        Assert.That(FileCommands.TryParseSetArg("20240102030405 my file.txt", false, out long t, out string p), Is.True);
        Assert.That(t, Is.EqualTo(T(2024, 1, 2, 3, 4, 5)));
        Assert.That(p, Is.EqualTo("my file.txt"));
        Assert.That(FileCommands.TryParseSetArg("20240102030405.123 f", false, out t, out p), Is.True);
        Assert.That(FileCommands.TryParseSetArg("2024010203040 f", false, out _, out _), Is.False);
        Assert.That(FileCommands.TryParseSetArg("20241302030405 f", false, out _, out _), Is.False, "month 13");
        Assert.That(FileCommands.TryParseSetArg("file.txt", false, out _, out _), Is.False);
    }

    [Test]
    public void ListingATreeSortsAndHidesDotFiles()
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-ls-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "b", "c"));
            File.WriteAllText(Path.Combine(dir, "a.txt"), "1");
            File.WriteAllText(Path.Combine(dir, ".hidden"), "1");
            File.WriteAllText(Path.Combine(dir, "b", "c", "deep.txt"), "1");
            var v = new FileSystemView(dir);
            var plain = Lister.Collect(v, ListRequest.Parse(""), false, false);
            Assert.That(plain.Single().Entries.Select(e => e.Name), Is.EqualTo(new[] { "a.txt", "b" }));
            var all = Lister.Collect(v, ListRequest.Parse("-a"), false, false);
            Assert.That(all.Single().Entries.Select(e => e.Name), Is.EqualTo(new[] { ".", "..", ".hidden", "a.txt", "b" }));
            var forced = Lister.Collect(v, ListRequest.Parse(""), true, false);
            Assert.That(forced.Single().Entries.Select(e => e.Name), Is.EqualTo(new[] { ".hidden", "a.txt", "b" }));
            var rec = Lister.Collect(v, ListRequest.Parse("-R"), false, true);
            Assert.That(rec.Select(g => g.Header), Is.EqualTo(new[] { ".", "./b", "./b/c" }));
            Assert.That(Lister.Collect(v, ListRequest.Parse("-R"), false, false).Count, Is.EqualTo(1), "ls_recurse_enable=NO");
            var glob = Lister.Collect(v, ListRequest.Parse("*.txt"), false, false);
            Assert.That(glob.Single().Entries.Select(e => e.Name), Is.EqualTo(new[] { "a.txt" }));
            Assert.That(Lister.Collect(v, ListRequest.Parse("missing"), false, false), Is.Empty);
            Assert.That(Lister.NamesText(plain), Is.EqualTo("a.txt\r\nb\r\n"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
