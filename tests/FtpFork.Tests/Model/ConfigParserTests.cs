// Unit tests of the ftpd.conf parser, the key table's defaults, ToText and the cross-key validator.
using FtpFork.Common.Config;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class ConfigParserTests
{
    private static FtpConfig Parse(string text, List<string>? warnings = null) =>
        ConfigParser.Apply(FtpConfig.Defaults, text, "t.conf", w => warnings?.Add(w));

    private static string Error(string text) =>
        Assert.Throws<ConfigException>(() => Parse(text))!.Message;

    [Test]
    public void DefaultsEqualTheTable()
    {
        foreach (var k in ConfigTable.Keys)
            Assert.That(k.Get(FtpConfig.Defaults), Is.EqualTo(k.Default), k.Name);
    }

    [Test]
    public void DefaultsOfTheProcessModelKeys()
    {
        var d = FtpConfig.Defaults;
        Assert.That((d.Listen, d.ListenIpv6, d.ListenAddress, d.ListenAddress6, d.ListenPort),
            Is.EqualTo((true, false, "", "", 21)));
        Assert.That((d.MaxClients, d.MaxPerIp, d.WorkerPoolSize, d.IdleSessionTimeout), Is.EqualTo((2000, 50, 4, 300)));
        Assert.That((d.AnonymousEnable, d.AnonRoot, d.FtpdBanner), Is.EqualTo((true, "", "(FtpFork 0.1.0)")));
        Assert.That(d.AnonUmask, Is.EqualTo(Convert.ToInt32("077", 8)));
    }

    [Test]
    public void SampleFtpdConfDocumentsEveryKeyWithItsDefault()
    {
        string dir = Path.GetDirectoryName(Harness.ServerProcess.BinDir.TrimEnd('/'))!;
        var lines = File.ReadAllLines(Path.Combine(dir, "ftpd.conf"));
        foreach (var l in ConfigTable.ToText(FtpConfig.Defaults).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string key = l[..l.IndexOf('=')];
            Assert.That(lines.Any(x => x == "#" + l || x.StartsWith(key + "=")), Is.True, $"ftpd.conf lacks '#{l}'");
        }
    }

    [Test]
    public void CommentsBlankLinesCrlfAndCaseOfBooleans()
    {
        var c = Parse("# a comment\r\n\r\n   \n  # indented comment\nlisten_port=2121\r\nanonymous_enable=no\nlisten_ipv6=True\nftpd_banner= Hi there \n");
        Assert.That((c.ListenPort, c.AnonymousEnable, c.ListenIpv6), Is.EqualTo((2121, false, true)));
        Assert.That(c.FtpdBanner, Is.EqualTo(" Hi there "), "a string value is kept as written");
    }

    [Test]
    public void LaterLineWins() => Assert.That(Parse("listen_port=1\nlisten_port=2\n").ListenPort, Is.EqualTo(2));

    [Test]
    public void LeadingZeroMeansOctalAsInVsftpd()
    {
        Assert.That(Parse("idle_session_timeout=010").IdleSessionTimeout, Is.EqualTo(8));
        Assert.That(Parse("anon_umask=022").AnonUmask, Is.EqualTo(Convert.ToInt32("22", 8)));
        Assert.That(Parse("file_open_mode=0644").FileOpenMode, Is.EqualTo(Convert.ToInt32("644", 8)));
        Assert.That(Parse("max_clients=0").MaxClients, Is.EqualTo(0));
    }

    [Test]
    public void UnknownKey() =>
        Assert.That(Error("listen=YES\n\nbogus_key=1\n"), Is.EqualTo("t.conf:3: unknown key 'bogus_key'"));

    [Test]
    public void BadBool() =>
        Assert.That(Error("anonymous_enable=maybe"), Is.EqualTo("t.conf:1: anonymous_enable: expected YES or NO, got \"maybe\""));

    [Test]
    public void EmptyBool() =>
        Assert.That(Error("\nlisten="), Is.EqualTo("t.conf:2: listen: expected YES or NO, got \"\""));

    [TestCase("21x")]
    [TestCase("-1")]
    [TestCase("")]
    [TestCase("1.5")]
    [TestCase("99999999999")]
    public void BadNumber(string v) =>
        Assert.That(Error("listen_port=" + v), Is.EqualTo($"t.conf:1: listen_port: expected a non-negative number, got \"{v}\""));

    [TestCase("anon_umask=089", "anon_umask", "089")]
    [TestCase("file_open_mode=8", "file_open_mode", "8")]
    [TestCase("max_per_ip=09", "max_per_ip", "09")]
    public void BadOctal(string line, string key, string v) =>
        Assert.That(Error(line), Is.EqualTo($"t.conf:1: {key}: expected an octal non-negative number, got \"{v}\""));

    [TestCase("listen_port 2121", "listen_port 2121")]
    [TestCase("=YES", "=YES")]
    public void MissingEquals(string line, string shown) =>
        Assert.That(Error("# ok\n" + line), Is.EqualTo($"t.conf:2: expected key=value, got \"{shown}\""));

    [Test]
    public void NulInAValue() =>
        Assert.That(Error("ftpd_banner=a\0b"), Is.EqualTo("t.conf:1: ftpd_banner: NUL byte in value"));

    [Test]
    public void VsftpdOnlyKeyIsAWarningNotAnError()
    {
        var warnings = new List<string>();
        var c = Parse("listen_port=99\ntcp_wrappers=YES\nseccomp_sandbox=NO\nchown_uploads=YES\ndh_param_file=/x\n", warnings);
        Assert.That(c, Is.EqualTo(FtpConfig.Defaults with { ListenPort = 99 }));
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "t.conf:2: warning: vsftpd key 'tcp_wrappers' is not implemented by FtpFork; ignored: /etc/hosts.allow and /etc/hosts.deny are not consulted",
            "t.conf:3: warning: vsftpd key 'seccomp_sandbox' is not implemented by FtpFork; ignored",
            "t.conf:4: warning: vsftpd key 'chown_uploads' is not implemented by FtpFork; ignored: anonymous uploads keep the anonymous account as owner",
            "t.conf:5: warning: vsftpd key 'dh_param_file' is not implemented by FtpFork; ignored",
        }), "the consequence is said when the setting is switched on");
    }

    [Test]
    public void TlsKeysHaveVsftpdsDefaults()
    {
        var d = FtpConfig.Defaults;
        Assert.That((d.SslEnable, d.ImplicitSsl, d.AllowAnonSsl, d.ForceAnonLoginsSsl, d.ForceAnonDataSsl),
            Is.EqualTo((false, false, false, false, false)));
        Assert.That((d.ForceLocalLoginsSsl, d.ForceLocalDataSsl, d.RequireSslReuse, d.SslRequestCert),
            Is.EqualTo((true, true, true, true)));
        Assert.That((d.StrictSslReadEof, d.StrictSslWriteShutdown, d.RequireCert, d.ValidateCert, d.DebugSsl),
            Is.EqualTo((false, false, false, false, false)));
        Assert.That((d.SslTlsv12, d.SslTlsv13, d.RsaPrivateKeyFile, d.CaCertsFile), Is.EqualTo((true, true, "", "")));
    }

    [Test]
    public void TlsProtocolKeysTakeTheSpellingsVsftpdVersionsUse()
    {
        var origins = new Dictionary<string, string>();
        var c = ConfigParser.Apply(FtpConfig.Defaults, "ssl_tlsv12=NO\nssl_tlsv13=YES\n", "t.conf", null, origins);
        Assert.That((c.SslTlsv12, c.SslTlsv13), Is.EqualTo((false, true)));
        Assert.That(origins["ssl_tlsv1_2"], Is.EqualTo("t.conf:1"), "an alias records where its key was set");
        Assert.That(Parse("ssl_tlsv1_2=NO").SslTlsv12, Is.False);
    }

    [Test]
    public void OldProtocolKeysAreAcceptedWithAWarningWhenOn()
    {
        var warnings = new List<string>();
        var c = Parse("ssl_sslv2=NO\nssl_sslv3=YES\nssl_tlsv1=YES\nssl_tlsv1_1=YES\nssl_tlsv11=NO\n", warnings);
        Assert.That(c, Is.EqualTo(FtpConfig.Defaults));
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "t.conf:2: warning: ssl_sslv3: SSL 3.0 is never offered (FtpFork speaks TLS 1.2 and 1.3 only); ignored",
            "t.conf:3: warning: ssl_tlsv1: TLS 1.0 is never offered (FtpFork speaks TLS 1.2 and 1.3 only); ignored",
            "t.conf:4: warning: ssl_tlsv1_1: TLS 1.1 is never offered (FtpFork speaks TLS 1.2 and 1.3 only); ignored",
        }));
        Assert.That(Error("ssl_tlsv1=perhaps"), Is.EqualTo("t.conf:1: ssl_tlsv1: expected YES or NO, got \"perhaps\""));
    }

    [TestCase("implicit_ssl=YES", "implicit_ssl: needs ssl_enable=YES")]
    [TestCase("ssl_enable=YES\nssl_tlsv1_2=NO\nssl_tlsv1_3=NO", "ssl_tlsv1_3: both ssl_tlsv1_2 and ssl_tlsv1_3 are NO: no protocol left to offer")]
    public void TlsValidatorErrors(string text, string message) =>
        Assert.That(Assert.Throws<ConfigException>(() => ConfigValidator.Validate(Parse(text)))!.Message, Is.EqualTo(message));

    [Test]
    public void ToTextRoundTrips()
    {
        var c = FtpConfig.Defaults with
        {
            ListenPort = 2121, AnonymousEnable = false, FtpdBanner = "Hello = world # not a comment",
            AnonUmask = Convert.ToInt32("022", 8), IdleSessionTimeout = 8, WorkerPoolSize = 0, AnonRoot = "/srv/ftp",
        };
        Assert.That(ConfigParser.Apply(FtpConfig.Defaults with { ListenPort = 1 }, ConfigTable.ToText(c), "x"), Is.EqualTo(c));
        Assert.That(ConfigParser.Apply(FtpConfig.Defaults, ConfigTable.ToText(FtpConfig.Defaults), "x"), Is.EqualTo(FtpConfig.Defaults));
    }

    [Test]
    public void OverridesApplyInOrder()
    {
        var c = ConfigParser.ApplySetting(FtpConfig.Defaults, "listen_port=1", "-o #1");
        c = ConfigParser.ApplySetting(c, "listen_port=2", "-o #2");
        Assert.That(c.ListenPort, Is.EqualTo(2));
        var e = Assert.Throws<ConfigException>(() => ConfigParser.ApplySetting(c, "nope=1", "-o #3"))!;
        Assert.That(e.Message, Is.EqualTo("-o #3: unknown key 'nope'"));
    }

    [Test]
    public void MissingFileNamesIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ftpfork-missing-{Guid.NewGuid():N}.conf");
        var e = Assert.Throws<ConfigException>(() => ConfigParser.LoadFile(path))!;
        Assert.That(e.Message, Does.StartWith($"{path}: cannot read: "));
    }

    [TestCase("listen_port=0", "t.conf:1: listen_port: 0 is out of range (1-65535)")]
    [TestCase("# c\nlisten_port=70000", "t.conf:2: listen_port: 70000 is out of range (1-65535)")]
    [TestCase("pasv_min_port=70000", "t.conf:1: pasv_min_port: 70000 is out of range (0-65535)")]
    [TestCase("pasv_max_port=70000", "t.conf:1: pasv_max_port: 70000 is out of range (0-65535)")]
    [TestCase("worker_pool_size=1001", "t.conf:1: worker_pool_size: 1001 is out of range (0-1000)")]
    [TestCase("local_umask=01000", "t.conf:1: local_umask: 512 is out of range (0-511)")]
    public void RangeErrorsHaveFileAndLine(string text, string message) =>
        Assert.That(Assert.Throws<ConfigException>(() => Parse(text))!.Message, Is.EqualTo(message));

    [TestCase("pasv_min_port=3000\npasv_max_port=2000", "pasv_min_port: 3000 is above pasv_max_port 2000")]
    [TestCase("listen=NO", "listen: both listen and listen_ipv6 are NO: nothing to listen on")]
    [TestCase("listen_address=localhost", "listen_address: 'localhost' is not an IPv4 address")]
    [TestCase("listen_address6=::g", "listen_address6: '::g' is not an IPv6 address")]
    [TestCase("pasv_address=not-an-ip", "pasv_address: 'not-an-ip' is not an IP address")]
    public void ValidatorErrorsNameTheKey(string text, string message)
    {
        var c = Parse(text);
        Assert.That(Assert.Throws<ConfigException>(() => ConfigValidator.Validate(c))!.Message, Is.EqualTo(message));
    }

    [Test]
    public void ValidatorErrorsSayWhereTheKeyWasSet()
    {
        var origins = new Dictionary<string, string>();
        var c = ConfigParser.Apply(FtpConfig.Defaults, "# ports\npasv_min_port=3000\n\npasv_max_port=2000\n", "t.conf", null, origins);
        Assert.That(Assert.Throws<ConfigException>(() => ConfigValidator.Validate(c, origins))!.Message,
            Is.EqualTo("t.conf:2: pasv_min_port: 3000 is above pasv_max_port 2000"));
        c = ConfigParser.ApplySetting(c, "pasv_min_port=1000", "-o #1", null, origins);
        c = ConfigParser.ApplySetting(c, "listen=NO", "-o #2", null, origins);
        Assert.That(Assert.Throws<ConfigException>(() => ConfigValidator.Validate(c, origins))!.Message,
            Is.EqualTo("-o #2: listen: both listen and listen_ipv6 are NO: nothing to listen on"));
    }

    [Test]
    public void ValidatorAcceptsTheDefaultsAndTheSample()
    {
        Assert.DoesNotThrow(() => ConfigValidator.Validate(FtpConfig.Defaults));
        Assert.DoesNotThrow(() => ConfigValidator.Validate(Parse("listen=NO\nlisten_ipv6=YES\nworker_pool_size=1000\npasv_min_port=1\npasv_max_port=1")));
        // The repository's ftpd.conf, as ./build.sh run reads it: no warning, valid, and what it says it sets.
        string sample = Path.Combine(Path.GetDirectoryName(Harness.ServerProcess.BinDir.TrimEnd('/'))!, "ftpd.conf");
        var warnings = new List<string>();
        var origins = new Dictionary<string, string>();
        var c = ConfigParser.LoadFile(sample, warnings.Add, origins);
        Assert.That(warnings, Is.Empty);
        Assert.DoesNotThrow(() => ConfigValidator.Validate(c, origins));
        Assert.That(c, Is.EqualTo(FtpConfig.Defaults with { ListenAddress = "127.0.0.1", ListenPort = 2121 }),
            "the sample sets listen_address and listen_port; every other key is its default, commented out");
    }
}
