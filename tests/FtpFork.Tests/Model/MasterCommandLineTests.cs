// The published master binary's command line: --help, --version, bad options, -o, --check, config errors.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class MasterCommandLineTests
{
    private static ToolResult Master(params string[] args) => RunTool.Run(ServerProcess.MasterPath, args, 20000);

    private static string TempConf(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ftpfork-model-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void HelpPrintsUsageOnStdoutAndExitsZero()
    {
        var r = Master("--help");
        Assert.That(r.ExitCode, Is.EqualTo(0));
        Assert.That(r.Stdout, Does.Contain("-c, --config").And.Contain("-o, --option").And.Contain("--check").And.Contain("--version"));
    }

    [Test]
    public void VersionPrintsTheVersionOnStdoutAndExitsZero()
    {
        var r = Master("--version");
        Assert.That(r.ExitCode, Is.EqualTo(0));
        Assert.That(r.Stdout, Does.StartWith("ftpfork 0.1.0"));
    }

    [TestCase("Option 'bogus' is unknown.", "--bogus")]
    [TestCase("ftpfork: option '--config' needs a value", "--config")]
    [TestCase("ftpfork: option '--config' needs a value", "--config", "--check")]
    [TestCase("Option 'o, option' has no value.", "--check", "-o")]
    public void BadOptionExitsNonZeroWithUsage(string error, params string[] args)
    {
        var r = Master(args);
        Assert.That(r.ExitCode, Is.Not.EqualTo(0));
        Assert.That(r.Stderr, Does.Contain(error).And.Contain("-o, --option"));
        Assert.That(r.Stdout, Is.Empty);
    }

    [Test]
    public void CheckPrintsEffectiveValuesWithOverridesInOrder()
    {
        string conf = TempConf("listen_port=1000\nworker_pool_size=9\nftpd_banner=from file\n");
        try
        {
            var r = Master("--config", conf, "-o", "listen_port=2000", "-o", "listen_port=2300", "--check", "-o", "idle_session_timeout=7");
            Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
            var lines = r.Stdout.Split('\n');
            Assert.That(lines, Does.Contain("listen_port=2300"));
            Assert.That(lines, Does.Contain("worker_pool_size=9"));
            Assert.That(lines, Does.Contain("ftpd_banner=from file"));
            Assert.That(lines, Does.Contain("idle_session_timeout=7"));
            Assert.That(lines, Does.Contain("anonymous_enable=YES"), "untouched keys show their defaults");
            Assert.That(r.Stderr, Is.Empty);
        }
        finally { File.Delete(conf); }
    }

    [Test]
    public void CheckWithoutConfigPrintsTheDefaults()
    {
        var r = Master("--check");
        Assert.That(r.ExitCode, Is.EqualTo(0));
        Assert.That(r.Stdout, Is.EqualTo(FtpFork.Common.Config.ConfigTable.ToText(FtpFork.Common.Config.FtpConfig.Defaults)));
    }

    [TestCase("listen=YES\nfoo=1\n", ":2: unknown key 'foo'")]
    [TestCase("# c\n\nanonymous_enable=perhaps\n", ":3: anonymous_enable: expected YES or NO, got \"perhaps\"")]
    [TestCase("listen_port=21a\n", ":1: listen_port: expected a non-negative number, got \"21a\"")]
    [TestCase("listen_port\n", ":1: expected key=value, got \"listen_port\"")]
    public void BadConfigStopsTheStartWithFileLineAndKey(string text, string where)
    {
        string conf = TempConf(text);
        try
        {
            var r = Master("--config", conf, "-o", $"listen_port={ServerProcess.FreePort()}", "-o", "listen_address=127.0.0.1");
            Assert.That(r.ExitCode, Is.EqualTo(1));
            Assert.That(r.Stderr.TrimEnd(), Is.EqualTo($"ftpfork: {conf}{where}"));
        }
        finally { File.Delete(conf); }
    }

    [Test]
    public void BadOverrideNamesItsPosition()
    {
        var r = Master("-o", "listen_port=5", "-o", "nope=1", "--check");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr.TrimEnd(), Is.EqualTo("ftpfork: -o #2: unknown key 'nope'"));
    }

    [Test]
    public void PasvAddrResolveTurnsTheNameIntoAnAddressOnceAtStart()
    {
        var r = Master("-o", "pasv_address=localhost", "-o", "pasv_addr_resolve=YES", "--check");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("\npasv_address=127.0.0.1\n"), "workers get the address, not the name");
        r = Master("-o", "pasv_address=localhost", "--check");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr.TrimEnd(), Is.EqualTo("ftpfork: -o #1: pasv_address: 'localhost' is not an IP address"));
    }

    [Test]
    public void UnreadableBannerFileStopsTheStart()
    {
        var r = Master("-o", "banner_file=/nonexistent/ftpfork-banner", "--check");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr, Does.StartWith("ftpfork: -o #1: banner_file: cannot read /nonexistent/ftpfork-banner: "));
    }

    [Test]
    public void ValidatorErrorStopsTheStart()
    {
        var r = Master("-o", "listen_port=70000", "--check");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr.TrimEnd(), Is.EqualTo("ftpfork: -o #1: listen_port: 70000 is out of range (1-65535)"));
        r = Master("-o", "pasv_min_port=3000", "-o", "pasv_max_port=2000", "--check");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr.TrimEnd(), Is.EqualTo("ftpfork: -o #1: pasv_min_port: 3000 is above pasv_max_port 2000"), "where the key was set");
    }

    [Test]
    public void MissingConfigFile()
    {
        var r = Master("--config", "/nonexistent/ftpd.conf", "--check");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr, Does.StartWith("ftpfork: /nonexistent/ftpd.conf: cannot read: "));
    }

    [Test]
    public void VsftpdOnlyKeyWarnsAndTheServerStillStarts()
    {
        using var s = ServerProcess.Start("tcp_wrappers=YES");
        Assert.That(s.Log, Does.Contain($"ftpfork: {s.ConfigPath}:6: warning: vsftpd key 'tcp_wrappers' is not implemented by FtpFork; ignored: /etc/hosts.allow and /etc/hosts.deny are not consulted"));
        using var c = s.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
    }

    [Test]
    public void TlsCertificateProblemsStopTheStartWithFileLineAndKey()
    {
        var rsa = TestCert.Rsa;
        var other = TestCert.Other;
        string broken = Path.Combine(rsa.Dir, $"broken-{Guid.NewGuid():N}.pem");
        File.WriteAllText(broken, File.ReadAllText(rsa.CertPath)[..300]);
        string conf = TempConf($"ssl_enable=YES\nrsa_cert_file={rsa.CertPath}\nrsa_private_key_file={other.KeyPath}\n");
        try
        {
            var r = Master("--config", conf, "--check");
            Assert.That(r.ExitCode, Is.EqualTo(1));
            Assert.That(r.Stderr, Does.StartWith($"ftpfork: {conf}:3: rsa_private_key_file: {other.KeyPath}: the private key does not match the certificate"));
            r = Master("--config", conf, "-o", "rsa_private_key_file=", "--check");
            Assert.That(r.Stderr, Does.StartWith($"ftpfork: {conf}:2: rsa_cert_file: {rsa.CertPath}: no usable PEM private key in the file"),
                "no key file: the key is looked for in the certificate file");
            r = Master("--config", conf, "-o", "rsa_cert_file=/nonexistent/cert.pem", "--check");
            Assert.That(r.Stderr.TrimEnd(), Is.EqualTo("ftpfork: -o #1: rsa_cert_file: cannot read /nonexistent/cert.pem: no such file"));
            r = Master("--config", conf, "-o", $"rsa_cert_file={broken}", "--check");
            Assert.That(r.Stderr, Does.StartWith($"ftpfork: -o #1: rsa_cert_file: {broken}: a broken PEM certificate"));
            r = Master("--config", conf, "-o", $"rsa_private_key_file={rsa.KeyPath}", "-o", "ssl_ciphers=NO-SUCH-CIPHER", "--check");
            Assert.That(r.Stderr, Does.StartWith("ftpfork: -o #2: ssl_ciphers: no TLS 1.2 cipher matches \"NO-SUCH-CIPHER\""));
            r = Master("--config", conf, "-o", $"rsa_private_key_file={rsa.KeyPath}", "-o", "ca_certs_file=/nonexistent/ca.pem", "--check");
            Assert.That(r.Stderr.TrimEnd(), Is.EqualTo("ftpfork: -o #2: ca_certs_file: cannot read /nonexistent/ca.pem: no such file"));
            r = Master("--config", conf, "-o", $"rsa_private_key_file={rsa.KeyPath}", "--check");
            Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
            r = Master("--config", conf, "-o", "ssl_enable=NO", "--check");
            Assert.That(r.ExitCode, Is.EqualTo(0), "without ssl_enable the files are not read");
        }
        finally
        {
            File.Delete(conf);
            File.Delete(broken);
        }
    }
}
