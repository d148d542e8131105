// Names a client or a disk chose forge no log line, no terminal sequence in a title, and no control-connection reply.
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
        Assert.That(server.LogBarrier(), Does.Not.Contain("\x1b"), "no raw ESC anywhere in the log");
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

    [Test]
    public void StatOfANameWithCrLfForgesNoReply()
    {
        using var server = ServerProcess.Start();
        File.WriteAllText(Path.Combine(server.Root, "inj\r\n221 Goodbye fake"), "x");
        File.WriteAllText(Path.Combine(server.Root, "lf\n230 fake"), "x");
        File.WriteAllText(Path.Combine(server.Root, "m\rx"), "x");
        using var c = DataClient.LoggedIn(server);
        var stat = c.Command("STAT /");
        Assert.That(stat.Code, Is.EqualTo(212), stat.ToString());
        Assert.That(stat.Lines, Has.None.StartsWith("221").And.None.StartsWith("230"), stat.ToString());
        Assert.That(stat.Lines, Has.Some.EndsWith(" inj\r\0" + "221 Goodbye fake"), "CR LF in a name is CR NUL (RFC 959, vsftpd)");
        Assert.That(stat.Lines, Has.Some.EndsWith(" lf\0" + "230 fake"), "a lone LF is NUL (vsftpd)");
        Assert.That(c.Command("NOOP").ToString(), Is.EqualTo("200 NOOP ok."), "the next reply is the NOOP's");
        var mlst = c.Command("MLST m\rx");
        Assert.That(mlst.Code, Is.EqualTo(250), mlst.ToString());
        Assert.That(mlst.Lines[1], Does.EndWith(" /m\r\0x"), "a lone CR is CR NUL");
        var mkd = c.Command("MKD /x\r226 fake");
        Assert.That(mkd.Lines, Has.Length.EqualTo(1));
        Assert.That(c.Command("NOOP").ToString(), Is.EqualTo("200 NOOP ok."));
    }

    [Test]
    public void RepliesNeverCarryTheClientsCr()
    {
        using var server = ServerProcess.Start(DataClient.AnonWritable.Append("anon_mkdir_write_enable=YES").ToArray());
        DataClient.WritableDir(server);
        using var c = DataClient.LoggedIn(server);
        var mkd = c.Command("MKD /pub/x\r226 fake");
        Assert.That(mkd.ToString(), Is.EqualTo("257 \"/pub/x\r\0" + "226 fake\" created"));
        Assert.That(c.Command("CWD /pub/x\r226 fake").Code, Is.EqualTo(250));
        Assert.That(c.Command("PWD").ToString(), Is.EqualTo("257 \"/pub/x\r\0" + "226 fake\" is the current directory"));
        Assert.That(c.Command("HELP a\rb").ToString(), Is.EqualTo("501 Unknown command A\r\0B."));
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
