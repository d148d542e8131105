// TLS at start and on SIGHUP (the general reload): the master reads the certificate, pool workers get it before their drop, a renewed one reaches new sessions.
using System.Text.RegularExpressions;
using FtpFork.Tests.Accounts;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Tls;

[TestFixture, Parallelizable(ParallelScope.All)]
public class TlsStartTests
{
    private static bool MapsLibssl(int pid) => File.ReadAllText($"/proc/{pid}/maps").Contains("libssl.so.3");

    [Test]
    public void OnlyWorkersOfATlsServerLoadLibssl()
    {
        using var plain = ServerProcess.Start();
        int p = Workers.Find(plain, "worker (pool)");
        Assert.That(p, Is.Not.Zero);
        Assert.That(ProcTools.WaitUntil(() => ProcTools.StatusField(p, "Uid")[0] != "0" || !AccountsSetup.IsRoot, TimeSpan.FromSeconds(5)));
        Assert.That(MapsLibssl(p), Is.False, "ssl_enable=NO: a pool worker never maps libssl");
        Assert.That(MapsLibssl(plain.Pid), Is.False, "nor does the master");

        using var tls = ServerProcess.Start(TestCert.Rsa.Settings());
        int t = Workers.Find(tls, "worker (pool)");
        Assert.That(t, Is.Not.Zero);
        Assert.That(ProcTools.WaitUntil(() => MapsLibssl(t), TimeSpan.FromSeconds(5)), "ssl_enable=YES: loaded before the drop");
        using var c = tls.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220), tls.Log);
    }

    /// <summary>The certificate (PEM, one line) a new TLS connection is served, as openssl s_client shows it.</summary>
    private static string ServedCertificate(ServerProcess s)
    {
        var r = RunTool.Run("openssl", new[] { "s_client", "-starttls", "ftp", "-connect", $"127.0.0.1:{s.Port}", "-showcerts" }, 30_000, stdin: "");
        string pem = Regex.Match(r.Stdout, "-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----").Value.Replace("\n", "");
        return pem != "" ? pem : "(no certificate) " + r.Stderr + "\n" + s.Log;
    }

    private static string Pem(string path) => File.ReadAllText(path).Trim().Replace("\n", "");

    [Test]
    public void SighupServesARenewedCertificateToNewSessionsAndKeepsTheOldOneWhenTheNewIsBad()
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-renew-").FullName;
        string cert = Path.Combine(dir, "cert.pem"), key = Path.Combine(dir, "key.pem");
        File.Copy(TestCert.Rsa.CertPath, cert);
        File.Copy(TestCert.Rsa.KeyPath, key);
        try
        {
            using var s = ServerProcess.Start("ssl_enable=YES", $"rsa_cert_file={cert}", $"rsa_private_key_file={key}", "allow_anon_ssl=YES");
            Assert.That(ServedCertificate(s), Is.EqualTo(Pem(TestCert.Rsa.CertPath)));
            using var live = FtpsControl.Connect(s); // a session under way keeps its connection
            var poolBefore = new List<int>();
            Assert.That(ProcTools.WaitUntil(() =>
                (poolBefore = ProcTools.Descendants(s.Pid).Where(p => ProcTools.Title(p).Contains("worker (pool)")).ToList()).Count > 0,
                TimeSpan.FromSeconds(10)), "a pool worker waits for a client");

            File.Copy(TestCert.Other.CertPath, cert, overwrite: true);
            File.Copy(TestCert.Other.KeyPath, key, overwrite: true);
            ProcTools.Signal(s.Pid, 1);
            Assert.That(s.LogShows("SIGHUP: reloaded"), s.Log);
            Assert.That(s.Log, Does.Contain("certificate files read again"));
            Assert.That(ServedCertificate(s), Is.EqualTo(Pem(TestCert.Other.CertPath)), "new sessions get the renewed certificate");
            Assert.That(ProcTools.WaitUntil(() => poolBefore.All(p => !ProcTools.Exists(p)), TimeSpan.FromSeconds(10)),
                "the pool workers that held the old certificate were replaced");
            Assert.That(live.Command("NOOP"), Is.EqualTo("200 NOOP ok."), "the live session goes on");

            File.WriteAllText(key, "not a key\n");
            ProcTools.Signal(s.Pid, 1);
            int line = Array.FindIndex(File.ReadAllLines(s.ConfigPath), l => l.StartsWith("rsa_private_key_file=")) + 1;
            Assert.That(s.LogShows($"SIGHUP: {s.ConfigPath}:{line}: rsa_private_key_file: {key}: no usable PEM private key"), s.Log);
            Assert.That(s.Log, Does.Contain("still running with the configuration as it was"));
            Assert.That(ServedCertificate(s), Is.EqualTo(Pem(TestCert.Other.CertPath)), "a bad renewal keeps the last good certificate");
            Assert.That(live.Command("NOOP"), Is.EqualTo("200 NOOP ok."));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
