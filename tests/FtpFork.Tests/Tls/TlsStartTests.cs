// TLS at start: the master reads the certificate, pool workers get it before their drop, and a plain worker never loads libssl.
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
}
