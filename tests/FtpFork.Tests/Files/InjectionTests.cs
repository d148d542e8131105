// Names a client or a disk chose forge no log line and no terminal sequence in a title.
using System.Text;
using FtpFork.Common.Text;
using FtpFork.Tests.Harness;
using FtpFork.Tests.Model;
using NUnit.Framework;

namespace FtpFork.Tests.Files;

[TestFixture, Parallelizable(ParallelScope.All)]
public class InjectionTests
{
    private const string Evil = "evil\x1b[31mRED\x1b[0m\rFAKE worker 1 exited (signal SIGSEGV)";

    [Test]
    public void ANameWithEscAndCrForgesNoLogLine()
    {
        using var server = ServerProcess.Start(DataClient.AnonWritable.Append("log_ftp_protocol=YES").ToArray());
        DataClient.WritableDir(server);
        using var c = DataClient.LoggedIn(server);
        using (var data = DataClient.Pasv(c))
        {
            Assert.That(c.Command("STOR /pub/" + Evil).Code, Is.EqualTo(150));
            DataClient.WriteAllAndClose(data, Encoding.ASCII.GetBytes("x"));
        }
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(File.Exists(Path.Combine(server.Root, "pub", Evil)), Is.True, "the name is stored as sent");
        Assert.That(server.LogShows(@"STOR /pub/evil\x1b[31mRED\x1b[0m\x0dFAKE"), Is.True, ModelTools.Why(server));
        // The harness reads the log by lines, a CR ending one too: a raw CR would start a line "FAKE ...".
        Assert.That(server.Log.Split('\n').Where(l => l.StartsWith("FAKE")), Is.Empty, ModelTools.Why(server));
        Assert.That(server.Log, Does.Not.Contain("\x1b"));
    }

    [Test]
    public void AProcessTitleShowsControlCharactersEscaped()
    {
        using var server = ServerProcess.Start(DataClient.AnonWritable);
        DataClient.WritableDir(server);
        using var c = DataClient.LoggedIn(server);
        int worker = ModelTools.WorkerOf(server, c, ": anonymous: IDLE");
        using var data = DataClient.Pasv(c);
        Assert.That(c.Command("STOR /pub/t\x1b]0;owned\x07").Code, Is.EqualTo(150));
        string title = "";
        Assert.That(ProcTools.WaitUntil(() => (title = ProcTools.Title(worker)).Contains("STOR"), ModelTools.Wait), Is.True, title);
        Assert.That(title, Does.Contain(@"STOR /pub/t\x1b]0;owned\x07"));
        Assert.That(title.Any(char.IsControl), Is.False, title);
    }

    [TestCase("plain name", "plain name")]
    [TestCase("a\x1b[31mb", @"a\x1b[31mb")]
    [TestCase("cr\rlf\nnul\0del\x7f", @"cr\x0dlf\x0anul\x00del\x7f")]
    [TestCase("c1\u0085ls\u2028bidi\u202e", @"c1\x85ls\u2028bidi\u202e")]
    [TestCase(@"already \x1b", @"already \x1b")]
    [TestCase("日本語 ü", "日本語 ü")]
    public void LogTextEscapesControlCharacters(string field, string logged) =>
        Assert.That(LogText.Escape(field), Is.EqualTo(logged));
}
