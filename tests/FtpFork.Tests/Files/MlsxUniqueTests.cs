// MLSD/MLST's unique fact names the file (device and inode): a mirrored tree's twins differ, hard links agree.
using System.Text;
using System.Text.RegularExpressions;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Files;

[TestFixture, Parallelizable(ParallelScope.All)]
public class MlsxUniqueTests
{
    [Test]
    public void UniqueComesFromDeviceAndInode()
    {
        using var server = ServerProcess.Start();
        var when = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        foreach (var n in new[] { "twin1", "twin2" })
        {
            string p = Path.Combine(server.Root, n);
            File.WriteAllText(p, "same size");
            File.SetLastWriteTimeUtc(p, when);
        }
        var ln = RunTool.Run("ln", new[] { Path.Combine(server.Root, "twin1"), Path.Combine(server.Root, "hardlink") });
        Assert.That(ln.ExitCode, Is.EqualTo(0), ln.Stderr);
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("OPTS MLST type;size;modify;unique;").Code, Is.EqualTo(200));
        using var data = DataClient.Pasv(c);
        Assert.That(c.Command("MLSD /").Code, Is.EqualTo(150));
        string text = Encoding.UTF8.GetString(DataClient.ReadAll(data));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        var unique = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(text, @"unique=([^;]+);.* (\S+)\r\n")) unique[m.Groups[2].Value] = m.Groups[1].Value;
        Assert.That(unique.Keys, Is.SupersetOf(new[] { "twin1", "twin2", "hardlink" }), text);
        Assert.That(unique["twin1"], Is.Not.EqualTo(unique["twin2"]), "two files of the same size and time are two files");
        Assert.That(unique["hardlink"], Is.EqualTo(unique["twin1"]), "a hard link is the same file");
        var mlst = c.Command("MLST /twin2");
        Assert.That(mlst.Code, Is.EqualTo(250), mlst.ToString());
        Assert.That(mlst.Lines[1], Does.Contain($"unique={unique["twin2"]};"), "MLST and MLSD agree");
    }
}
