// MFMT and SITE UTIME keep a mirrored file's time (lftp mirror -R).
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Files;

[TestFixture, Parallelizable(ParallelScope.All)]
public class FileTimeTests
{
    private static readonly string[] Writable = DataClient.AnonWritable.Append("mdtm_write=YES").ToArray();

    private static DateTime Mtime(string path) => File.GetLastWriteTimeUtc(path);

    [Test]
    public void MfmtSetsAFilesTimeAndIsInFeat()
    {
        using var server = ServerProcess.Start(Writable);
        string pub = DataClient.WritableDir(server);
        File.WriteAllText(Path.Combine(pub, "my file.txt"), "x");
        ServerProcess.GiveToAnonymous(pub);
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("FEAT").Lines, Does.Contain(" MFMT"));
        Assert.That(c.Command("MFMT 20200102030405 pub/my file.txt").ToString(), Is.EqualTo("213 Modify=20200102030405; pub/my file.txt"));
        Assert.That(Mtime(Path.Combine(pub, "my file.txt")), Is.EqualTo(new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc)));
        Assert.That(c.Command("MDTM pub/my file.txt").ToString(), Is.EqualTo("213 20200102030405"));
        Assert.That(c.Command("MFMT 2020 pub/my file.txt").Code, Is.EqualTo(501));
        Assert.That(c.Command("MFMT 20201302030405 pub/my file.txt").Code, Is.EqualTo(501), "month 13");
        Assert.That(c.Command("MFMT 20200102030405 pub/missing").Code, Is.EqualTo(550));
    }

    [Test]
    public void MfmtNeedsWriteRightsAndMdtmWrite()
    {
        using var server = ServerProcess.Start("mdtm_write=YES");
        File.WriteAllText(Path.Combine(server.Root, "f.txt"), "x");
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("MFMT 20200102030405 f.txt").Code, Is.EqualTo(550), "no write_enable");
        using var off = ServerProcess.Start(DataClient.AnonWritable.Append("mdtm_write=NO").ToArray());
        string pub = DataClient.WritableDir(off);
        File.WriteAllText(Path.Combine(pub, "f.txt"), "x");
        ServerProcess.GiveToAnonymous(pub);
        using var d = DataClient.LoggedIn(off);
        Assert.That(d.Command("MFMT 20200102030405 pub/f.txt").Code, Is.EqualTo(550), "mdtm_write=NO");
        Assert.That(d.Command("SITE UTIME 20200102030405 pub/f.txt").Code, Is.EqualTo(550), "mdtm_write=NO");
        Assert.That(Mtime(Path.Combine(pub, "f.txt")).Year, Is.Not.EqualTo(2020));
    }

    [Test]
    public void SiteUtimeInBothOfLftpsForms()
    {
        using var server = ServerProcess.Start(Writable);
        string pub = DataClient.WritableDir(server);
        File.WriteAllText(Path.Combine(pub, "g h.txt"), "x");
        ServerProcess.GiveToAnonymous(pub);
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("SITE UTIME 20200102030405 pub/g h.txt").Code, Is.EqualTo(200));
        Assert.That(Mtime(Path.Combine(pub, "g h.txt")), Is.EqualTo(new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc)));
        Assert.That(c.Command("SITE UTIME pub/g h.txt 20210101000000 20210203040506 20210101000000 UTC").Code, Is.EqualTo(200));
        Assert.That(Mtime(Path.Combine(pub, "g h.txt")), Is.EqualTo(new DateTime(2021, 2, 3, 4, 5, 6, DateTimeKind.Utc)));
        Assert.That(File.GetLastAccessTimeUtc(Path.Combine(pub, "g h.txt")), Is.EqualTo(new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.That(c.Command("SITE UTIME pub/g h.txt").Code, Is.EqualTo(501));
        Assert.That(c.Command("SITE UTIME 20200102030405 pub/none").Code, Is.EqualTo(550));
    }

    [Test]
    public void LftpMirrorUploadKeepsTimestamps()
    {
        Need.Tool("lftp", "lftp");
        using var server = ServerProcess.Start(Writable.Append("anon_mkdir_write_enable=YES").ToArray());
        string pub = DataClient.WritableDir(server);
        ServerProcess.GiveToAnonymous(pub);
        string local = Path.Combine(server.Dir, "local");
        Directory.CreateDirectory(local);
        var when = new DateTime(2019, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        foreach (var n in new[] { "a.txt", "b c.bin" })
        {
            File.WriteAllText(Path.Combine(local, n), n);
            File.SetLastWriteTimeUtc(Path.Combine(local, n), when);
        }
        var r = RunTool.Run("lftp", new[] { "-c",
            $"set net:max-retries 1; set net:timeout 10; open -u anonymous,x@ -p {server.Port} 127.0.0.1; mirror -R {local} /pub/m" }, 120000);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stdout + r.Stderr);
        foreach (var n in new[] { "a.txt", "b c.bin" })
            Assert.That(Mtime(Path.Combine(pub, "m", n)), Is.EqualTo(when), n);
    }
}
