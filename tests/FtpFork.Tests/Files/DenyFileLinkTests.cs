// deny_file holds on the resolved path: a symlink to a denied file, or into a denied directory, reaches nothing.
using System.Text;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Files;

[TestFixture, Parallelizable(ParallelScope.All)]
public class DenyFileLinkTests
{
    private static ServerProcess StartWithLinks()
    {
        var server = ServerProcess.Start(DataClient.AnonWritable.Append("deny_file={secret.txt,*.deny}").ToArray());
        string pub = DataClient.WritableDir(server);
        File.WriteAllText(Path.Combine(pub, "secret.txt"), "secret");
        File.WriteAllText(Path.Combine(pub, "ok.txt"), "fine");
        Directory.CreateDirectory(Path.Combine(pub, "dir.deny"));
        File.WriteAllText(Path.Combine(pub, "dir.deny", "file"), "secret too");
        File.CreateSymbolicLink(Path.Combine(pub, "alias"), "secret.txt");
        File.CreateSymbolicLink(Path.Combine(pub, "dalias"), "dir.deny");
        File.CreateSymbolicLink(Path.Combine(pub, "okalias"), "ok.txt");
        File.CreateSymbolicLink(Path.Combine(pub, "chain"), "alias");
        ServerProcess.GiveToAnonymous(pub);
        return server;
    }

    private static int Retr(FtpTestClient c, string path, out string body)
    {
        body = "";
        using var data = DataClient.Pasv(c);
        var r = c.Command("RETR " + path);
        if (r.Code != 150) return r.Code;
        body = Encoding.UTF8.GetString(DataClient.ReadAll(data));
        return c.ReadReply().Code;
    }

    [TestCase("pub/alias")]
    [TestCase("pub/chain")]
    [TestCase("pub/dalias/file")]
    [TestCase("/pub/./dalias/../dalias/file")]
    public void DeniedThroughALinkIsRefused(string path)
    {
        using var server = StartWithLinks();
        using var c = DataClient.LoggedIn(server);
        Assert.That(Retr(c, path, out string body), Is.EqualTo(550), body);
        Assert.That(c.Command("SIZE " + path).Code, Is.EqualTo(550));
        Assert.That(c.Command("MDTM " + path).Code, Is.EqualTo(550));
        Assert.That(c.Command("MLST " + path).Code, Is.EqualTo(550));
    }

    [Test]
    public void ADirectoryLinkToADeniedDirectoryLeadsNowhere()
    {
        using var server = StartWithLinks();
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("CWD pub/dalias").Code, Is.EqualTo(550));
        Assert.That(c.Command("STAT pub/dalias").Lines, Has.None.Contains("file"));
        using (var data = DataClient.Pasv(c))
        {
            Assert.That(c.Command("LIST pub/dalias").Code, Is.EqualTo(150));
            Assert.That(DataClient.ReadAll(data), Is.Empty);
            Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        }
        using (var data = DataClient.Pasv(c))
        {
            var r = c.Command("STOR pub/dalias/new");
            Assert.That(r.Code, Is.EqualTo(553), r.ToString());
        }
        Assert.That(File.Exists(Path.Combine(server.Root, "pub", "dir.deny", "new")), Is.False);
        Assert.That(c.Command("RNFR pub/dalias/file").Code, Is.EqualTo(550));
        Assert.That(c.Command("DELE pub/dalias/file").Code, Is.EqualTo(550));
        Assert.That(File.Exists(Path.Combine(server.Root, "pub", "dir.deny", "file")), Is.True);
    }

    [Test]
    public void LinksToAllowedFilesStillWork()
    {
        using var server = StartWithLinks();
        using var c = DataClient.LoggedIn(server);
        Assert.That(Retr(c, "pub/okalias", out string body), Is.EqualTo(226));
        Assert.That(body, Is.EqualTo("fine"));
        Assert.That(c.Command("DELE pub/alias").Code, Is.EqualTo(250), "the link itself is not denied: it can go");
        Assert.That(File.Exists(Path.Combine(server.Root, "pub", "secret.txt")), Is.True, "its target stays");
    }
}
