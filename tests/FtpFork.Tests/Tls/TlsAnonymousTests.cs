// FTPS for anonymous sessions that stay in their pre-login process, implicit TLS, and bad input on the TLS paths.
using System.Net.Sockets;
using System.Text;
using FtpFork.Tests.Accounts;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Tls;

[TestFixture, Parallelizable(ParallelScope.All)]
public class TlsAnonymousTests
{
    private ServerProcess _server = null!;
    private string _sha = "";

    [OneTimeSetUp]
    public void Start()
    {
        _server = ServerProcess.Start(TestCert.Rsa.Settings("allow_anon_ssl=YES").Concat(DataClient.AnonWritable).ToArray());
        _sha = DataClient.RandomFile(Path.Combine(_server.Root, "file.bin"), 200_000);
        DataClient.WritableDir(_server);
    }

    [OneTimeTearDown]
    public void Stop() => _server?.Dispose();

    [TestCase("1.2")]
    [TestCase("1.3")]
    public void HundredDataConnectionsResumeInTheSameProcess(string version)
    {
        var lines = TlsTools.Python(_server, "resume", version, "anonymous", "x@y", "file.bin", "100", "0");
        Assert.That(lines, Does.Contain("resumed 100 of 100"));
        Assert.That(lines, Does.Contain("sha256 " + _sha));
    }

    [Test]
    public void StockFtpTlsGets522AfterAFullHandshake()
    {
        var lines = TlsTools.Python(_server, "stock", "1.3", "anonymous", "x@y", "file.bin");
        Assert.That(lines, Does.Contain("reply 522 SSL connection failed: session reuse required"));
        Assert.That(_server.LogShows("data connection refused: not a resumption of the control connection's TLS session"), _server.Log);
    }

    [Test]
    public void CurlUploadIsByteExactAndTheServerClosesWithCloseNotify()
    {
        string src = Path.Combine(_server.Dir, $"src-{Guid.NewGuid():N}");
        string sha = DataClient.RandomFile(src, 1_000_000);
        string name = $"pub/up-{Guid.NewGuid():N}";
        var put = RunTool.Run("curl", new[] { "-sS", "-k", "--ssl-reqd", "-T", src, $"ftp://127.0.0.1:{_server.Port}/{name}" }, 60_000);
        Assert.That(put.ExitCode, Is.EqualTo(0), put.Stderr + _server.Log);
        Assert.That(DataClient.ShaFile(Path.Combine(_server.Root, name)), Is.EqualTo(sha));
        // tlsclient.py reads downloads with suppress_ragged_eofs=False: a missing close_notify would raise.
        var lines = TlsTools.Python(_server, "resume", "1.3", "anonymous", "x@y", name, "1", "0");
        Assert.That(lines, Does.Contain("sha256 " + sha));
    }

    [Test]
    public void StrictEofOptionsFailTransfersThatEndWithoutCloseNotify()
    {
        using var s = ServerProcess.Start(TestCert.Rsa.Settings("allow_anon_ssl=YES", "strict_ssl_read_eof=YES",
            "strict_ssl_write_shutdown=YES").Concat(DataClient.AnonWritable).ToArray());
        DataClient.WritableDir(s);
        string sha = DataClient.RandomFile(Path.Combine(s.Root, "f.bin"), 100_000);
        var cut = TlsTools.Python(s, "upload", "1.3", "anonymous", "x@y", "pub/cut.bin", "100000", "cut");
        Assert.That(cut, Does.Contain("reply 426 Failure reading network stream."), "strict_ssl_read_eof: a FIN without close_notify");
        Assert.That(s.LogShows("upload ended without close_notify: failed (strict_ssl_read_eof)"), s.Log);
        var clean = TlsTools.Python(s, "upload", "1.3", "anonymous", "x@y", "pub/clean.bin", "100000", "clean");
        Assert.That(clean, Does.Contain("reply 226 Transfer complete."));
        var down = TlsTools.Python(s, "download", "1.3", "anonymous", "x@y", "f.bin", "clean");
        Assert.That(down, Does.Contain("reply 226 Transfer complete.").And.Contain("sha256 " + sha));
        var downCut = TlsTools.Python(s, "download", "1.3", "anonymous", "x@y", "f.bin", "cut");
        Assert.That(downCut, Does.Contain("reply 426 Failure writing network stream."),
            "strict_ssl_write_shutdown: the client never confirmed with its close_notify");
    }

    [Test]
    public void ClientCertificatesAreCheckedAgainstCaCertsFile()
    {
        var ca = TestCert.ClientCa;
        using var s = ServerProcess.Start(TestCert.Rsa.Settings("allow_anon_ssl=YES", "require_cert=YES", "validate_cert=YES",
            $"ca_certs_file={ca.CaPath}"));
        File.WriteAllText(Path.Combine(s.Root, "hello.txt"), "hello, certified client\n");
        string url = $"ftp://127.0.0.1:{s.Port}/hello.txt";
        var with = RunTool.Run("curl", new[] { "-sS", "-k", "--ssl-reqd", "--cert", ca.CertPath, "--key", ca.KeyPath, url }, 30_000);
        Assert.That(with.ExitCode, Is.EqualTo(0), with.Stderr + s.Log);
        Assert.That(with.Stdout, Is.EqualTo("hello, certified client\n"), "control and resumed data connection with the certificate");
        var without = RunTool.Run("curl", new[] { "-sS", "-k", "--ssl-reqd", url }, 30_000);
        Assert.That(without.ExitCode, Is.Not.EqualTo(0), "require_cert: no certificate, no session");
        Assert.That(s.LogShows("TLS handshake failed"), s.Log);
        var selfSigned = RunTool.Run("curl", new[] { "-sS", "-k", "--ssl-reqd", "--cert", TestCert.Other.CertPath, "--key", TestCert.Other.KeyPath, url }, 30_000);
        Assert.That(selfSigned.ExitCode, Is.Not.EqualTo(0), "validate_cert: a certificate ca_certs_file did not sign is refused");
    }

    [Test]
    public void AnonymousOverTlsNeedsAllowAnonSsl()
    {
        using var s = ServerProcess.Start(TestCert.Rsa.Settings());
        var lines = TlsTools.Python(s, "replies", "1.3", "anonymous", "x@y", "USER anonymous", "FEAT", "HELP PBSZ");
        Assert.That(lines[1], Is.EqualTo("530 Anonymous sessions may not use encryption."));
        Assert.That(lines[2], Does.Contain("| AUTH SSL| AUTH TLS|").And.Contain("| PBSZ| PROT|"));
        Assert.That(lines[3], Does.StartWith("214 Syntax: PBSZ"));
        using var plain = ServerProcess.Start();
        using var c = plain.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Command("AUTH TLS").ToString(), Is.EqualTo("500 Unknown command."), "ssl_enable=NO: no TLS commands");
        Assert.That(c.Command("FEAT").ToString(), Does.Not.Contain("AUTH").And.Not.Contain("PBSZ"));
        Assert.That(c.Command("HELP PROT").Code, Is.EqualTo(501));
    }

    [Test]
    public void GarbageInsteadOfAClientHelloIsAClose()
    {
        using var other = FtpsControl.Connect(_server); // another session, untouched throughout
        using var c = _server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Command("AUTH TLS").Code, Is.EqualTo(234));
        int worker = Workers.Find(_server, "127.0.0.1: connected");
        c.SendRaw(Encoding.ASCII.GetBytes("USER anonymous\r\nPASS x\r\n"));
        Assert.That(c.WaitForClose(5000), Is.True);
        Assert.That(_server.LogShows("TLS handshake failed: wrong version number"), _server.Log);
        Assert.That(other.Command("NOOP"), Is.EqualTo("200 NOOP ok."));
        Assert.That(ProcTools.Exists(_server.Pid) && !_server.Process.HasExited, Is.True);
    }

    [Test]
    public void ATruncatedClientHelloThenSilenceEndsAtTheIdleAlarm()
    {
        using var s = ServerProcess.Start(TestCert.Rsa.Settings("idle_session_timeout=2"));
        using var c = s.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Command("AUTH TLS").Code, Is.EqualTo(234));
        c.SendRaw(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 1, 2, 3, 4 });
        var start = DateTime.UtcNow;
        Assert.That(c.WaitForClose(15000), Is.True, "idle_session_timeout=2 bounds the handshake");
        Assert.That(DateTime.UtcNow - start, Is.GreaterThan(TimeSpan.FromSeconds(1.5)));
        Assert.That(s.LogShows("TLS handshake failed"), s.Log);
    }

    [Test]
    public void PlainTextPipelinedBehindAuthIsNeverReadAsTls()
    {
        using var c = _server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        c.SendRaw(Encoding.ASCII.GetBytes("AUTH TLS\r\nUSER anonymous\r\n"));
        Assert.That(c.ReadReply().Code, Is.EqualTo(234));
        Assert.That(_server.LogShows("bytes sent in clear after AUTH were dropped"), _server.Log);
        c.Socket.Shutdown(SocketShutdown.Send);
        Assert.That(c.WaitForClose(5000), Is.True);
    }
}

[TestFixture, Parallelizable(ParallelScope.All)]
public class TlsImplicitTests
{
    [Test]
    public void CurlFtpsWorksAndASilentClientMeetsTheIdleAlarm()
    {
        using var s = ServerProcess.Start(TestCert.Rsa.Settings("implicit_ssl=YES", "allow_anon_ssl=YES", "idle_session_timeout=2"));
        File.WriteAllText(Path.Combine(s.Root, "hello.txt"), "hello over implicit TLS\n");
        var r = RunTool.Run("curl", new[] { "-sS", "-k", $"ftps://127.0.0.1:{s.Port}/hello.txt" }, 30_000);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr + s.Log);
        Assert.That(r.Stdout, Is.EqualTo("hello over implicit TLS\n"));
        using var silent = s.Connect();
        var start = DateTime.UtcNow;
        Assert.That(silent.WaitForClose(15000), Is.True, "no 220 in clear; the handshake is bounded by the idle alarm");
        Assert.That(DateTime.UtcNow - start, Is.GreaterThan(TimeSpan.FromSeconds(1.5)));
        using var plain = s.Connect();
        plain.SendLine("USER anonymous");
        Assert.That(plain.WaitForClose(5000), Is.True, "clear text is not a ClientHello: closed");
        r = RunTool.Run("curl", new[] { "-sS", "-k", $"ftps://127.0.0.1:{s.Port}/hello.txt" }, 30_000);
        Assert.That(r.ExitCode, Is.EqualTo(0), "the master and new sessions are untouched");
    }
}
