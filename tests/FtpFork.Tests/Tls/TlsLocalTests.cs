// FTPS for a local user: the session moves to the user's process, the pre-login worker stays as its TLS relay.
using System.Text.RegularExpressions;
using FtpFork.Tests.Accounts;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Tls;

[TestFixture, Parallelizable(ParallelScope.All)]
public class TlsLocalTests
{
    private TestUser _user = null!;
    private ServerProcess _server = null!;
    private string _fileSha = "";

    [OneTimeSetUp]
    public void Start()
    {
        if (!AccountsSetup.IsRoot) return;
        _user = new TestUser();
        _server = ServerProcess.Start(TestCert.Rsa.Settings("local_enable=YES", "write_enable=YES", "local_umask=022",
            $"pam_service_name={AccountsSetup.PamService}", "anonymous_enable=NO", "accept_timeout=10"));
        _fileSha = DataClient.RandomFile(Path.Combine(_user.Home, "file.bin"), 300_000);
        RunTool.Run("chown", new[] { "-R", _user.Name, _user.Home });
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _server?.Dispose();
        _user?.Dispose();
    }

    private string Url(string path = "") => $"ftp://127.0.0.1:{_server.Port}/{path}";

    private ToolResult Curl(params string[] args) =>
        RunTool.Run("curl", new[] { "-sS", "-k", "--ssl-reqd", "-u", $"{_user.Name}:{_user.Password}" }.Concat(args), 60_000);

    [Test]
    public void CurlListsDownloadsAndUploadsByteExact()
    {
        Need.Root();
        var list = Curl("--list-only", Url());
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Stderr + _server.Log);
        Assert.That(list.Stdout.Split('\n'), Does.Contain("file.bin"));
        string got = Path.Combine(_server.Dir, $"got-{Guid.NewGuid():N}");
        var get = Curl("-o", got, Url("file.bin"));
        Assert.That(get.ExitCode, Is.EqualTo(0), get.Stderr);
        Assert.That(DataClient.ShaFile(got), Is.EqualTo(_fileSha));
        string name = $"up-{Guid.NewGuid():N}";
        var put = Curl("-T", got, Url(name));
        Assert.That(put.ExitCode, Is.EqualTo(0), put.Stderr);
        Assert.That(DataClient.ShaFile(Path.Combine(_user.Home, name)), Is.EqualTo(_fileSha));
    }

    [TestCase("--tls-max", "1.2", "TLSv1.2")]
    [TestCase("--tlsv1.3", null, "TLSv1.3")]
    public void CurlSpeaksTheProtocolAskedFor(string option, string? value, string version)
    {
        Need.Root();
        var args = new List<string> { "-v", option };
        if (value != null) args.Add(value);
        args.AddRange(new[] { "-o", "/dev/null", Url("file.bin") });
        var r = Curl(args.ToArray());
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(Regex.Matches(r.Stderr, $"SSL connection using {version}").Count, Is.EqualTo(2), "control and data connection");
        Assert.That(r.Stderr, Does.Contain("< 226 Transfer complete."));
    }

    [TestCase("1.2", "0")]
    [TestCase("1.3", "0")]
    [TestCase("1.3", "1")]
    public void HundredDataConnectionsAllResumeInTheSessionWorker(string version, string chain)
    {
        Need.Root();
        var lines = TlsTools.Python(_server, "resume", version, _user.Name, _user.Password, "file.bin", "100", chain);
        Assert.That(lines, Does.Contain("resumed 100 of 100"));
        Assert.That(lines, Does.Contain("sha256 " + _fileSha));
        Assert.That(lines, Does.Contain($"control TLSv{version}"));
        if (chain == "1")
            Assert.That(lines, Does.Contain("distinct sessions 100"),
                "TLS 1.3, each ticket used once: every data connection resumed the ticket the previous one brought");
    }

    [TestCase("1.2")]
    [TestCase("1.3")]
    public void HundredUploadsResumeEachWithTheTicketOfThePreviousReply(string version)
    {
        Need.Root();
        var lines = TlsTools.Python(_server, "uploads", version, _user.Name, _user.Password, $"u{version}-{Guid.NewGuid():N}-", "100");
        Assert.That(lines, Does.Contain("resumed 100 of 100"));
        // TLS 1.3: each upload used a ticket no other one had used; TLS 1.2 resumes the one session.
        Assert.That(lines, Does.Contain(version == "1.3" ? "distinct sessions 100" : "distinct sessions 1"));
    }

    [Test]
    public void StockFtpTlsThatDoesNotResumeGets522()
    {
        Need.Root();
        var lines = TlsTools.Python(_server, "stock", "1.3", _user.Name, _user.Password, "file.bin");
        Assert.That(lines, Does.Contain("reply 522 SSL connection failed: session reuse required"));
        Assert.That(lines, Does.Contain("200 NOOP ok."), "the session goes on");
        Assert.That(_server.LogShows("data connection refused: TLS handshake failed"), _server.Log);
    }

    [Test]
    public void UploadCutWithoutCloseNotifyIsStillCompleteByDefault()
    {
        Need.Root();
        var lines = TlsTools.Python(_server, "upload", "1.3", _user.Name, _user.Password, $"cut-{Guid.NewGuid():N}", "200000", "cut");
        Assert.That(lines, Does.Contain("reply 226 Transfer complete."), "strict_ssl_read_eof=NO (vsftpd's default)");
    }

    [Test]
    public void TlsAlertInTheMiddleOfAnUploadFailsItAndTheSessionGoesOn()
    {
        Need.Root();
        var lines = TlsTools.Python(_server, "alert", "1.3", _user.Name, _user.Password, $"alert-{Guid.NewGuid():N}");
        Assert.That(lines, Does.Contain("reply 426 Failure reading network stream."));
        Assert.That(lines, Does.Contain("200 NOOP ok."));
    }

    [Test]
    public void DataConnectionFromAnotherAddressIsClosed()
    {
        Need.Root();
        var lines = TlsTools.Python(_server, "foreign", "1.3", _user.Name, _user.Password, "file.bin");
        Assert.That(lines, Does.Contain("stranger got 0 bytes"));
        Assert.That(lines, Does.Contain("own got 300000 bytes, resumed True"));
        Assert.That(lines, Does.Contain("226 Transfer complete."));
        Assert.That(_server.LogShows("refused a data connection from 127.0.0.2"), _server.Log);
    }

    [Test]
    public void RepliesOfTheTlsCommandsAsVsftpd()
    {
        Need.Root();
        var lines = TlsTools.Python(_server, "replies", "1.3", _user.Name, _user.Password,
            "PROT P", "PBSZ 0", "PROT S", "PROT E", "PROT X", "PROT C", "AUTH TLS", "CCC", "LOGIN", "STAT", "PROT P", "STAT", "AUTH TLS");
        Assert.That(lines, Is.EqualTo(new[]
        {
            "234 Proceed with negotiation.",
            "503 PBSZ required first.",
            "200 PBSZ set to 0.",
            "536 PROT not supported.",
            "536 PROT not supported.",
            "504 PROT not recognized.",
            "200 PROT now Clear.",
            "503 Already using TLS.",
            "534 CCC not permitted: the control connection stays encrypted.",
            "331 Please specify the password.",
            "230 Login successful.",
            lines[11], // STAT (checked below)
            "200 PROT now Private.",
            lines[13],
            "503 Already using TLS.",
        }));
        Assert.That(lines[11], Does.Contain("|     Control connection is encrypted|     Data connections will be plain text|"));
        Assert.That(lines[13], Does.Contain("|     Control connection is encrypted|     Data connections will be encrypted|"),
            "PBSZ and PROT carried into the session worker");
    }

    [Test]
    public void ClearTextLoginsAndDataAreRefused()
    {
        Need.Root();
        using (var c = _server.Connect())
        {
            Assert.That(c.ReadReply().Code, Is.EqualTo(220));
            Assert.That(c.Command("PBSZ 0").ToString(), Is.EqualTo("503 PBSZ needs a secure connection."));
            Assert.That(c.Command("PROT P").ToString(), Is.EqualTo("503 PROT needs a secure connection."));
            Assert.That(c.Command("USER " + _user.Name).ToString(), Is.EqualTo("530 Non-anonymous sessions must use encryption."));
            Assert.That(c.WaitForClose(5000), Is.True, "force_local_logins_ssl ends the session, as vsftpd");
        }
        using var s = ServerProcess.Start(TestCert.Rsa.Settings("local_enable=YES", $"pam_service_name={AccountsSetup.PamService}",
            "force_local_logins_ssl=NO"));
        using var d = s.Connect();
        Assert.That(d.ReadReply().Code, Is.EqualTo(220));
        Assert.That(d.Login(_user.Name, _user.Password).Code, Is.EqualTo(230), s.Log);
        var pasv = DataClient.Pasv(d);
        Assert.That(d.Command("LIST").ToString(), Is.EqualTo("522 Data connections must be encrypted."), "force_local_data_ssl");
        pasv.Dispose();
        Assert.That(d.Command("STAT").Lines, Does.Contain("     Control connection is plain text"));
    }

    [Test]
    public void OpensslSClientSeesTheCertificate()
    {
        Need.Root();
        var r = RunTool.Run("openssl", new[] { "s_client", "-starttls", "ftp", "-connect", $"127.0.0.1:{_server.Port}", "-showcerts" },
            30_000, stdin: "");
        Assert.That(r.Stdout, Does.Contain("subject=CN = localhost"), r.Stderr);
        var pem = Regex.Match(r.Stdout, "-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----").Value;
        Assert.That(pem.Replace("\n", ""), Is.EqualTo(File.ReadAllText(TestCert.Rsa.CertPath).Trim().Replace("\n", "")),
            "the certificate of rsa_cert_file");
    }

    [Test]
    public void LftpMirrorsTwoHundredFilesBothWays()
    {
        Need.Root();
        Need.Tool("lftp", "lftp");
        string src = Path.Combine(_server.Dir, $"src-{Guid.NewGuid():N}"), back = src + "-back";
        Directory.CreateDirectory(src);
        var want = new Dictionary<string, string>();
        for (int i = 0; i < 200; i++) want[$"f{i}"] = DataClient.RandomFile(Path.Combine(src, $"f{i}"), 1000 + i * 37);
        string remote = Path.GetFileName(src);
        string script = "set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate no; " +
            $"set net:max-retries 1; mirror --parallel=4 -R {src} {remote}; mirror --parallel=4 {remote} {back}; bye";
        var r = RunTool.Run("lftp", new[] { "-u", $"{_user.Name},{_user.Password}", "-p", _server.Port.ToString(), "-e", script, "127.0.0.1" }, 240_000);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr + r.Stdout);
        foreach (var (name, sha) in want)
        {
            Assert.That(DataClient.ShaFile(Path.Combine(_user.Home, remote, name)), Is.EqualTo(sha), "uploaded " + name);
            Assert.That(DataClient.ShaFile(Path.Combine(back, name)), Is.EqualTo(sha), "downloaded " + name);
        }
    }

    [Test]
    public void PsShowsTheSessionAndItsRelayAndNoRootProcessHoldsTheTlsConnection()
    {
        Need.Root();
        using var c = FtpsControl.Connect(_server);
        Assert.That(c.Command("USER " + _user.Name), Does.StartWith("331"));
        Assert.That(c.Command("PASS " + _user.Password), Does.StartWith("230"));
        // Other tests share this master: this connection's processes are found from its socket.
        var owners = TlsTools.ServerSocketOwners(_server.Port, c.LocalPort);
        Assert.That(owners, Has.Count.EqualTo(1), "one process holds the TLS control connection");
        int relay = owners[0];
        Assert.That(ProcTools.Title(relay), Is.EqualTo($"ftpfork: 127.0.0.1: {_user.Name}: TLS relay"));
        var moved = new System.Text.RegularExpressions.Regex($"worker {relay}: session moved to worker (\\d+) ");
        Assert.That(ProcTools.WaitUntil(() => moved.IsMatch(_server.Log), TimeSpan.FromSeconds(5)), _server.Log);
        int session = int.Parse(moved.Match(_server.Log).Groups[1].Value);
        Assert.That(ProcTools.Title(session), Is.EqualTo($"ftpfork: 127.0.0.1: {_user.Name}: IDLE"));
        Assert.That(ProcTools.Stat(relay)![1], Is.EqualTo(_server.Pid.ToString()), "the relay is the master's child");
        Assert.That(TlsTools.Uid(session), Is.EqualTo(_user.Uid));
        uint nobody = Workers.Account("nobody", 2);
        Assert.That(TlsTools.Uid(relay), Is.EqualTo(nobody), "the relay is the pre-login worker: nopriv_user, not root");
        Assert.That(Workers.Root(relay), Is.EqualTo("/usr/share/empty"));
        // A PROT P data connection: its server end is the session worker's (the user), in its handshake.
        Assert.That(c.Command("PBSZ 0"), Is.EqualTo("200 PBSZ set to 0."));
        Assert.That(c.Command("PROT P"), Is.EqualTo("200 PROT now Private."));
        var pasv = System.Text.RegularExpressions.Regex.Match(c.Command("PASV"), @"\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)");
        int dataPort = int.Parse(pasv.Groups[5].Value) * 256 + int.Parse(pasv.Groups[6].Value);
        using (var data = new System.Net.Sockets.TcpClient("127.0.0.1", dataPort))
        {
            Assert.That(c.Command("RETR file.bin"), Does.StartWith("150"));
            int clientPort = ((System.Net.IPEndPoint)data.Client.LocalEndPoint!).Port;
            Assert.That(TlsTools.ServerSocketOwners(dataPort, clientPort), Is.EqualTo(new[] { session }),
                "the session worker makes and encrypts its data connections");
        }
        Assert.That(c.Reply(), Is.EqualTo("522 SSL connection failed: session reuse required"), "no ClientHello came");
        Assert.That(c.Command("NOOP"), Is.EqualTo("200 NOOP ok."));
        Assert.That(c.Command("QUIT"), Is.EqualTo("221 Goodbye."));
        Assert.That(ProcTools.WaitUntil(() => !ProcTools.Exists(relay) && !ProcTools.Exists(session), TimeSpan.FromSeconds(10)),
            "both leave with the session");
    }
}
