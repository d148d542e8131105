// What README promises beyond single keys: growth and shrink of the pool and the spares, the title during a transfer, banner_file per start, xferlog uploads, IPv4 and IPv6 at once.
using System.Net.Sockets;
using System.Text;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class ReadmeBehaviourTests
{
    private static string Children(ServerProcess s) =>
        string.Join(", ", ProcTools.Children(s.Pid).Select(p => $"{p} {ProcTools.State(p)} '{ProcTools.Title(p)}'"));

    [Test]
    public void PoolAndSparesGrowToFourTimesUnderABurstAndShrinkBackWhenQuiet()
    {
        Need.Root(); // virtual users' sessions run as the guest account: a spare each
        string dir = Directory.CreateTempSubdirectory("ftpfork-spares-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        string hash = RunTool.Run("openssl", new[] { "passwd", "-6", "pw" }).Stdout.Trim();
        File.WriteAllText(Path.Combine(dir, "users"), $"vu:{hash}\n");
        using var s = ServerProcess.Start("worker_pool_size=1", "guest_enable=YES", $"virtual_users_file={dir}/users", $"local_root={dir}");
        ModelTools.WaitPool(s, 1);
        Assert.That(ProcTools.WaitUntil(() => ModelTools.Spares(s).Count == 1, ModelTools.Wait), Is.True, "one spare for worker_pool_size=1");
        // Ten clients log in at once: connects find the pool empty, logins find no spare, again and again.
        var clients = Enumerable.Range(0, 10).Select(_ => s.Connect()).ToList();
        try
        {
            foreach (var c in clients) Assert.That(c.ReadReply().Code, Is.EqualTo(220), ModelTools.Why(s));
            foreach (var c in clients) c.SendRaw(Encoding.ASCII.GetBytes("USER vu\r\nPASS pw\r\n"));
            foreach (var c in clients)
            {
                Assert.That(c.ReadReply().Code, Is.EqualTo(331));
                Assert.That(c.ReadReply().Code, Is.EqualTo(230), ModelTools.Why(s));
            }
            Assert.That(ModelTools.ReachesAndStays(() => ModelTools.PoolWorkers(s).Count, 4), Is.True,
                "pool: 1, doubled to 2, then 4 = 4 x worker_pool_size, not more: " + Children(s) + ModelTools.Why(s));
            Assert.That(ModelTools.ReachesAndStays(() => ModelTools.Spares(s).Count, 4), Is.True,
                "spares: 1, doubled to 2, then 4, not more: " + Children(s) + ModelTools.Why(s));
            // The sessions stay idle: after 10 s without events both go back to worker_pool_size.
            Assert.That(ProcTools.WaitUntil(() => ModelTools.PoolWorkers(s).Count == 1 && ModelTools.Spares(s).Count == 1, TimeSpan.FromSeconds(30)),
                Is.True, $"pool {ModelTools.PoolWorkers(s).Count}, spares {ModelTools.Spares(s).Count}" + ModelTools.Why(s));
            foreach (var c in clients) Assert.That(c.Command("NOOP").Code, Is.EqualTo(200), "the sessions are untouched");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void TheTitleShowsTheTransferUnderWay()
    {
        using var s = ServerProcess.Start("anon_max_rate=100000");
        Directory.CreateDirectory(Path.Combine(s.Root, "pub"));
        string sha = DataClient.RandomFile(Path.Combine(s.Root, "pub", "slow.bin"), 300_000); // ~3 s at the rate
        using var c = ModelTools.LoggedIn(s);
        int pid = ModelTools.WorkerOf(s, c, ": anonymous: IDLE");
        Assert.That(c.Command("TYPE I").Code, Is.EqualTo(200));
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("RETR /pub/slow.bin").Code, Is.EqualTo(150));
        Assert.That(ProcTools.Title(pid), Is.EqualTo("ftpfork: 127.0.0.1: anonymous: RETR /pub/slow.bin"), "while the bytes move");
        Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(ProcTools.WaitUntil(() => ProcTools.Title(pid) == "ftpfork: 127.0.0.1: anonymous: IDLE", ModelTools.Wait), Is.True,
            "waiting for the next command: " + ProcTools.Title(pid));
    }

    [Test]
    public void BannerFileIsReadAgainByEachWorkerStart()
    {
        string file = Path.Combine(Path.GetTempPath(), "ftpfork-banner-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(file, "Before the edit.\n");
        try
        {
            using var s = ServerProcess.Start($"banner_file={file}", "worker_pool_size=1");
            Assert.That(s.LogShows("1 pre-login worker(s) ready"), Is.True, ModelTools.Why(s));
            using var first = s.Connect();
            Assert.That(first.ReadReply().Lines, Is.EqualTo(new[] { "220-Before the edit.", "220 " }), "read when its worker started");
            File.WriteAllText(file, "After the edit.\n");
            // Its first command makes the master start the replacement, which reads the file now.
            Assert.That(first.Command("NOOP").Code, Is.EqualTo(200));
            using var second = s.Connect();
            Assert.That(second.ReadReply().Lines, Is.EqualTo(new[] { "220-After the edit.", "220 " }), ModelTools.Why(s));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void XferlogHasAnUploadLineAsVsftpd()
    {
        string log = Path.Combine(Path.GetTempPath(), $"ftpfork-xfer-{Guid.NewGuid():N}.log");
        try
        {
            using var s = ServerProcess.Start(DataClient.AnonWritable.Append("xferlog_enable=YES").Append($"vsftpd_log_file={log}").ToArray());
            DataClient.WritableDir(s);
            using var c = DataClient.LoggedIn(s);
            var d = DataClient.Pasv(c);
            Assert.That(c.Command("STOR pub/u.bin").Code, Is.EqualTo(150));
            DataClient.WriteAllAndClose(d, new byte[1234]);
            Assert.That(c.ReadReply().Code, Is.EqualTo(226));
            Assert.That(ProcTools.WaitUntil(() => File.Exists(log) && File.ReadAllText(log).Contains("UPLOAD"), TimeSpan.FromSeconds(5)), Is.True);
            string[] lines = File.ReadAllLines(log).Where(l => l.Contains("UPLOAD")).ToArray(); // CONNECT and LOGIN come first
            Assert.That(lines, Has.Length.EqualTo(1));
            Assert.That(lines[0], Does.Match(@"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} \[pid \d+\] \[ftp\] OK UPLOAD: Client ""127\.0\.0\.1"", ""/pub/u\.bin"", 1234 bytes, [\d.]+Kbyte/sec$"));
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Test]
    public void OneMasterServesIpv4AndIpv6AtOnce()
    {
        Need.Ipv6();
        using var s = ServerProcess.Start("listen=YES", "listen_ipv6=YES", "listen_address6=::1");
        Assert.That(ProcTools.Title(s.Pid), Is.EqualTo($"ftpfork: master, listening on 127.0.0.1:{s.Port} [::1]:{s.Port}"));
        using var four = DataClient.LoggedIn(s, "127.0.0.1");
        using var six = DataClient.LoggedIn(s, "::1");
        Assert.That(four.Command("PWD").Code, Is.EqualTo(257));
        Assert.That(six.Command("PWD").Code, Is.EqualTo(257));
        Assert.That(six.Command("EPSV").Code, Is.EqualTo(229));
        // Both sessions are the one master's children.
        var want = new[] { "ftpfork: 127.0.0.1: anonymous: IDLE", "ftpfork: ::1: anonymous: IDLE" };
        List<string> titles = new();
        Assert.That(ProcTools.WaitUntil(() => want.All((titles = ProcTools.Children(s.Pid).Select(ProcTools.Title).ToList()).Contains), ModelTools.Wait),
            Is.True, string.Join(", ", titles));
    }
}
