// One test per TLS key the FTPS tests leave at its default, on a running server, each against the default's outcome.
using System.Text;
using System.Text.RegularExpressions;
using FtpFork.Tests.Accounts;
using FtpFork.Tests.Harness;
using FtpFork.Tests.Tls;
using NUnit.Framework;

namespace FtpFork.Tests.Keys;

[TestFixture, Parallelizable(ParallelScope.All)]
public class TlsKeysTests
{
    /// <summary>TLS on with every TLS key at its default, anonymous sessions allowed to use it.</summary>
    private ServerProcess _defaults = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _defaults = ServerProcess.Start(TestCert.Rsa.Settings("allow_anon_ssl=YES"));
        File.WriteAllText(Path.Combine(_defaults.Root, "f.txt"), "hello\n");
    }

    [OneTimeTearDown]
    public void Stop() => _defaults?.Dispose();

    /// <summary>openssl s_client -starttls ftp with <paramref name="options"/>: its exit code and everything it printed.</summary>
    private static (int Code, string Output) SClient(ServerProcess s, params string[] options)
    {
        var r = RunTool.Run("openssl", new[] { "s_client", "-starttls", "ftp", "-connect", $"127.0.0.1:{s.Port}" }.Concat(options),
            30_000, stdin: "");
        return (r.ExitCode, r.Stdout + r.Stderr);
    }

    /// <summary>An anonymous FTPS session, logged in, PBSZ 0 given (PROT is still C).</summary>
    private static FtpsControl AnonymousOverTls(ServerProcess s)
    {
        var c = FtpsControl.Connect(s);
        Assert.That(c.Command("USER anonymous"), Does.StartWith("331"));
        Assert.That(c.Command("PASS x@y"), Is.EqualTo("230 Login successful."), s.Log);
        Assert.That(c.Command("PBSZ 0"), Is.EqualTo("200 PBSZ set to 0."));
        return c;
    }

    /// <summary>PASV, a clear-text data connection to it, LIST: the listing's text (asserting 150 and 226).</summary>
    private static string ClearList(FtpsControl c)
    {
        using var d = DataClient.ConnectTo(DataClient.PasvEndPoint(c.Command("PASV")));
        Assert.That(c.Command("LIST"), Does.StartWith("150"));
        string text = Encoding.UTF8.GetString(DataClient.ReadAll(d));
        Assert.That(c.Reply(), Does.StartWith("226"));
        return text;
    }

    [Test]
    public void SslTlsv13NoOffersTls12Only()
    {
        using var s = ServerProcess.Start(TestCert.Rsa.Settings("ssl_tlsv1_3=NO"));
        var one3 = SClient(s, "-tls1_3");
        Assert.That(one3.Code, Is.Not.EqualTo(0), one3.Output);
        Assert.That(one3.Output, Does.Contain("alert protocol version"));
        var one2 = SClient(s, "-tls1_2");
        Assert.That(one2.Output, Does.Contain("New, TLSv1.2, Cipher is"), "TLS 1.2 still served");
        var auto = SClient(s);
        Assert.That(auto.Output, Does.Contain("New, TLSv1.2, Cipher is"), "a client offering both gets 1.2");
        Assert.That(SClient(_defaults, "-tls1_3").Output, Does.Contain("New, TLSv1.3, Cipher is"), "the default serves 1.3");
    }

    [Test]
    public void ForceAnonLoginsSslRefusesClearTextAnonymousAndAllowsItOverTls()
    {
        // allow_anon_ssl stays NO: forcing anonymous logins onto TLS lets them use it (as vsftpd).
        using var s = ServerProcess.Start(TestCert.Rsa.Settings("force_anon_logins_ssl=YES"));
        using (var plain = s.Connect())
        {
            Assert.That(plain.ReadReply().Code, Is.EqualTo(220));
            Assert.That(plain.Command("USER anonymous").ToString(), Is.EqualTo("530 Anonymous sessions must use encryption."));
            Assert.That(plain.WaitForClose(5000), Is.True, "the session ends, as vsftpd's");
        }
        using var tls = FtpsControl.Connect(s);
        Assert.That(tls.Command("USER anonymous"), Does.StartWith("331"));
        Assert.That(tls.Command("PASS x@y"), Is.EqualTo("230 Login successful."), s.Log);
        using var d = _defaults.Connect();
        Assert.That(d.ReadReply().Code, Is.EqualTo(220));
        Assert.That(d.Login().Code, Is.EqualTo(230), "by default anonymous logs in without TLS");
    }

    [Test]
    public void ForceAnonDataSslRefusesAClearTextListing()
    {
        using var s = ServerProcess.Start(TestCert.Rsa.Settings("allow_anon_ssl=YES", "force_anon_data_ssl=YES"));
        using (var c = AnonymousOverTls(s))
        {
            using var d = DataClient.ConnectTo(DataClient.PasvEndPoint(c.Command("PASV")));
            Assert.That(c.Command("LIST"), Is.EqualTo("522 Data connections must be encrypted."));
            Assert.That(c.Command("NOOP"), Does.StartWith("200"), "the session goes on");
        }
        using var dc = AnonymousOverTls(_defaults);
        Assert.That(ClearList(dc), Does.Contain("f.txt"), "by default anonymous data may be clear text");
    }

    [Test]
    public void ForceLocalDataSslNoAllowsAClearTextListing()
    {
        Need.Root();
        using var user = new TestUser();
        File.WriteAllText(Path.Combine(user.Home, "mine.txt"), "x\n");
        using var s = ServerProcess.Start(TestCert.Rsa.Settings("local_enable=YES", $"pam_service_name={AccountsSetup.PamService}",
            "anonymous_enable=NO", "force_local_data_ssl=NO"));
        using var c = FtpsControl.Connect(s);
        Assert.That(c.Command("USER " + user.Name), Does.StartWith("331"));
        Assert.That(c.Command("PASS " + user.Password), Is.EqualTo("230 Login successful."), s.Log);
        Assert.That(c.Command("PBSZ 0"), Is.EqualTo("200 PBSZ set to 0."));
        Assert.That(ClearList(c), Does.Contain("mine.txt"));
        // The default (YES) refusing it is TlsLocalTests.ClearTextLoginsAndDataAreRefused.
    }

    [Test]
    public void RequireSslReuseNoServesAClientThatDoesNotResume()
    {
        using var s = ServerProcess.Start(TestCert.Rsa.Settings("allow_anon_ssl=YES", "require_ssl_reuse=NO"));
        File.WriteAllText(Path.Combine(s.Root, "f.txt"), "hello\n");
        var lines = TlsTools.Python(s, "stock", "1.3", "anonymous", "x@y", "f.txt");
        Assert.That(lines, Is.EqualTo(new[] { "no error", "200 NOOP ok." }), s.Log);
        var strict = TlsTools.Python(_defaults, "stock", "1.3", "anonymous", "x@y", "f.txt");
        Assert.That(strict, Does.Contain("reply 522 SSL connection failed: session reuse required"), "the default refuses it");
    }

    [TestCase("-tls1_2")]
    [TestCase("-tls1_3")]
    public void SslRequestCertNoSendsNoCertificateRequest(string version)
    {
        using var s = ServerProcess.Start(TestCert.Rsa.Settings("ssl_request_cert=NO"));
        var none = SClient(s, version, "-msg");
        Assert.That(none.Output, Does.Contain("New, TLSv1."), none.Output);
        Assert.That(none.Output, Does.Not.Contain("CertificateRequest"));
        Assert.That(SClient(_defaults, version, "-msg").Output, Does.Contain("CertificateRequest"), "the default asks for one");
    }

    [Test]
    public void DebugSslLogsEachConnectionsProtocolAndCipher()
    {
        foreach (bool debug in new[] { true, false })
        {
            using var s = ServerProcess.Start(TestCert.Rsa.Settings("allow_anon_ssl=YES", "log_ftp_protocol=YES",
                debug ? "debug_ssl=YES" : "debug_ssl=NO"));
            File.WriteAllText(Path.Combine(s.Root, "f.txt"), "hello\n");
            Assert.That(TlsTools.Python(s, "resume", "1.2", "anonymous", "x@y", "f.txt", "1", "0"), Does.Contain("resumed 1 of 1"));
            // The session's worker logs the QUIT after its transfer: any line of its handshakes is in before it.
            Assert.That(s.LogShows(": > QUIT"), s.Log);
            var control = Regex.Matches(s.Log, @"127\.0\.0\.1: control connection: TLSv1\.2, [A-Z0-9-]+$", RegexOptions.Multiline);
            var data = Regex.Matches(s.Log, @"127\.0\.0\.1: data connection: TLSv1\.2, [A-Z0-9-]+, reused$", RegexOptions.Multiline);
            Assert.That(control, debug ? Has.Count.EqualTo(1) : Is.Empty, s.Log);
            Assert.That(data, debug ? Has.Count.EqualTo(1) : Is.Empty, s.Log);
        }
    }
}
