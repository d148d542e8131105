// Floods and pool health: reset connections cost no worker, QUIT probes are counted right, a stuck pool worker loses its client.
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using FtpFork.Common.Interop;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class FloodTests
{
    /// <summary>Connects and resets (SO_LINGER 0), after reading the greeting when <paramref name="afterGreeting"/>.</summary>
    private static void ConnectAndReset(int port, bool afterGreeting)
    {
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        raw.LingerState = new LingerOption(true, 0); // close() sends RST
        raw.Connect(IPAddress.Loopback, port);
        if (afterGreeting)
        {
            raw.ReceiveTimeout = 10000;
            raw.Receive(new byte[512]);
        }
    }

    /// <summary>Worker processes this master has started so far: those alive and those reaped (each logs "exited").</summary>
    private static int Starts(ServerProcess s) =>
        Regex.Matches(s.Log, @"worker \d+ exited").Count + ProcTools.Children(s.Pid).Count(p => ProcTools.State(p) != 'Z');

    [TestCase(false)]
    [TestCase(true)]
    public void ResetConnectionsCostNoWorker(bool afterGreeting)
    {
        using var s = ServerProcess.Start("worker_pool_size=1");
        Assert.That(s.LogShows("1 pre-login worker(s) ready"), Is.True, ModelTools.Why(s));
        ModelTools.WaitPool(s, 1);
        const int resets = 30;
        for (int i = 0; i < resets; i++) ConnectAndReset(s.Port, afterGreeting);
        using (var c = s.Connect())
        {
            Assert.That(c.ReadReply().Code, Is.EqualTo(220), ModelTools.Why(s));
            Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
            Assert.That(c.WaitForClose(10000), Is.True);
        }
        Assert.That(ProcTools.WaitUntil(() => ModelTools.SessionWorkers(s).Count == 0, ModelTools.Wait), Is.True, ModelTools.Why(s));
        // Each reset cost a process start before; now at most the pool's growth (to 4) when one came while another was served.
        Assert.That(Starts(s), Is.LessThanOrEqualTo(6), $"worker starts for {resets} reset connections" + ModelTools.Why(s));
        Assert.That(ModelTools.Zombies(s.Pid), Is.Empty);
        Assert.That(s.LogBarrier(), Does.Not.Contain("not taken back"), ModelTools.Why(s)); // last: the barrier replaces idle pool workers
    }

    [Test]
    public void RealClientsAreGreetedDuringABoundedFloodOfResets()
    {
        using var s = ServerProcess.Start("worker_pool_size=2");
        Assert.That(s.LogShows("2 pre-login worker(s) ready"), Is.True, ModelTools.Why(s));
        int resets = 0;
        var flood = new Thread(() =>
        {
            for (int i = 0; i < 800; i++, resets++) ConnectAndReset(s.Port, afterGreeting: false);
        });
        flood.Start();
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < 20 && flood.IsAlive; i++)
        {
            var started = DateTime.UtcNow;
            using var c = s.Connect();
            var r = c.ReadReply(10000);
            Assert.That(r.Code, Is.EqualTo(220), $"real client {i} during the flood{ModelTools.Why(s)}");
            if (DateTime.UtcNow - started > slowest) slowest = DateTime.UtcNow - started;
            Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
        }
        Assert.That(flood.Join(TimeSpan.FromSeconds(120)), Is.True, "the flood ends");
        TestContext.Progress.WriteLine($"{resets} resets; slowest real client's greeting {slowest.TotalMilliseconds:F0} ms");
        Assert.That(Starts(s), Is.LessThanOrEqualTo(16), $"worker starts for {resets} reset connections and 20 real clients" + ModelTools.Why(s));
        using var after = ModelTools.LoggedIn(s);
        Assert.That(after.Command("NOOP").Code, Is.EqualTo(200));
        Assert.That(ModelTools.Zombies(s.Pid), Is.Empty);
    }

    [Test]
    public void QuitProbesThatCloseAtOnceAreCountedAsSixBytes()
    {
        // A probe that sends QUIT and closes without waiting for the 221: its FIN, then a reset at the
        // 221, leave the socket CLOSED with the FIN counted in tcpi_bytes_received (7).
        using var s = ServerProcess.Start("worker_pool_size=2");
        Assert.That(s.LogShows("2 pre-login worker(s) ready"), Is.True, ModelTools.Why(s));
        const int probes = 20;
        for (int i = 0; i < probes; i++)
        {
            using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            raw.Connect(IPAddress.Loopback, s.Port);
            raw.ReceiveTimeout = 10000;
            Assert.That(raw.Receive(new byte[512]), Is.GreaterThan(0), "the greeting");
            raw.Send(Encoding.ASCII.GetBytes("QUIT\r\n"));
        }
        Assert.That(ProcTools.WaitUntil(() => Regex.Matches(s.Log, "left after 6 byte").Count + Regex.Matches(s.Log, "not taken back").Count == probes,
            TimeSpan.FromSeconds(20)), Is.True, ModelTools.Why(s));
        Assert.That(s.Log, Does.Not.Contain("not taken back"), ModelTools.Why(s));
    }

    [Test]
    public void AStoppedPoolWorkerIsKilledAndItsClientGoesToAnother()
    {
        using var s = ServerProcess.Start("worker_pool_size=2");
        Assert.That(s.LogShows("2 pre-login worker(s) ready"), Is.True, ModelTools.Why(s));
        ModelTools.WaitPool(s, 2);
        var stopped = ModelTools.PoolWorkers(s);
        foreach (int p in stopped) ProcTools.Signal(p, 19); // SIGSTOP: alive, ready as far as the master knows, never reading
        try
        {
            for (int i = 0; i < 4; i++)
            {
                using var c = s.Connect();
                var r = c.ReadReply(10000);
                Assert.That(r.Code, Is.EqualTo(220), $"client {i}{ModelTools.Why(s)}");
                Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
                Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
            }
            Assert.That(ProcTools.WaitUntil(() => stopped.All(p => !ProcTools.Exists(p)), ModelTools.Wait), Is.True,
                "the stopped workers were killed and reaped" + ModelTools.Why(s));
            Assert.That(s.Log, Does.Contain("did not take client"), ModelTools.Why(s));
            Assert.That(ProcTools.WaitUntil(() => ModelTools.Zombies(s.Pid).Count == 0, ModelTools.Wait), Is.True, "every exit is reaped");
            ModelTools.WaitPool(s, 2, atLeast: true);
        }
        finally
        {
            foreach (int p in stopped) ProcTools.Signal(p, 18); // SIGCONT, should one be left
        }
    }

    [TestCase(TcpInfo.CloseWait, 0, 7L, 6L)]
    [TestCase(TcpInfo.Close, 32 /* EPIPE: reset after the FIN */, 7L, 6L)]
    [TestCase(TcpInfo.Close, 104 /* ECONNRESET: no FIN */, 7L, 7L)]
    [TestCase(TcpInfo.Close, 0, 6L, 6L)]
    [TestCase(TcpInfo.Established, 0, 6L, 6L)]
    [TestCase(TcpInfo.LastAck, 0, 1L, 0L)]
    public void TheFinIsNotCountedAsAByte(byte state, int soError, long received, long data) =>
        Assert.That(new TcpInfo(state, 0, (ulong)received, soError).DataReceived, Is.EqualTo(data));
}
