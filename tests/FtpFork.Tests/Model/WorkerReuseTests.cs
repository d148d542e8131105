// worker_reuse: a client that sends nothing but QUIT gives its worker back to the pool; anything more ends the worker with it.
using System.Net.Sockets;
using System.Text;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class WorkerReuseTests
{
    /// <summary>The one ready pool worker of a server started with worker_pool_size=1.</summary>
    private static int OnlyPoolWorker(ServerProcess s)
    {
        // Ready, not only started: a client that finds no ready worker makes the pool grow.
        Assert.That(s.LogShows("1 pre-login worker(s) ready"), Is.True, ModelTools.Why(s));
        ModelTools.WaitPool(s, 1);
        return ModelTools.PoolWorkers(s)[0];
    }

    /// <summary>connect, 220, then <paramref name="send"/> (null: close without a byte), the replies, until the server closes.</summary>
    private static List<string> Probe(ServerProcess s, string? send)
    {
        using var c = s.Connect();
        var lines = new List<string> { c.ReadLine() };
        if (send == null)
        {
            c.Socket.Shutdown(SocketShutdown.Send);
        }
        else
        {
            c.SendRaw(Encoding.ASCII.GetBytes(send));
            foreach (var _ in send.Split('\n', StringSplitOptions.RemoveEmptyEntries)) lines.Add(c.ReadLine());
        }
        Assert.That(c.WaitForClose(10000), Is.True, "the server closes the connection");
        return lines;
    }

    [Test]
    public void HealthChecksAreServedByOneWorkerWithoutAProcessStart()
    {
        // max_per_ip=1: each probe's slot must be free again before the next one connects.
        using var s = ServerProcess.Start("worker_pool_size=1", "max_per_ip=1");
        int worker = OnlyPoolWorker(s);
        for (int i = 0; i < 5; i++)
        {
            string quit = i % 2 == 0 ? "QUIT\r\n" : "quit\n";
            Assert.That(Probe(s, quit), Is.EqualTo(new[] { "220 (FtpFork 0.1.0)", "221 Goodbye." }), $"probe {i + 1}");
            Assert.That(s.LogShows($"left after {quit.Length} byte(s); worker {worker} back in the pool"), Is.True, ModelTools.Why(s));
        }
        Assert.That(ProcTools.Title(worker), Is.EqualTo("ftpfork: worker (pool)"));
        Assert.That(ModelTools.PoolWorkers(s), Is.EqualTo(new[] { worker }));
        Assert.That(s.LogBarrier(), Does.Not.Contain("exited"), ModelTools.Why(s));
        var handedTo = s.Log.Split('\n').Where(l => l.Contains(" -> worker ")).Select(l => l[(l.LastIndexOf(' ') + 1)..].Trim());
        Assert.That(handedTo, Is.EqualTo(Enumerable.Repeat(worker.ToString(), 5)), "every probe went to the one worker");
        // And it still serves a real session afterwards.
        using var c = ModelTools.LoggedIn(s);
        Assert.That(c.Command("PWD").Code, Is.EqualTo(257));
    }

    [Test]
    public void AClientThatLeavesWithoutAByteGivesItsWorkerBack()
    {
        using var s = ServerProcess.Start("worker_pool_size=1");
        int worker = OnlyPoolWorker(s);
        Assert.That(Probe(s, null), Is.EqualTo(new[] { "220 (FtpFork 0.1.0)" }));
        Assert.That(s.LogShows($"left after 0 byte(s); worker {worker} back in the pool"), Is.True, ModelTools.Why(s));
        Assert.That(ModelTools.PoolWorkers(s), Is.EqualTo(new[] { worker }));
    }

    [TestCase("NOOP\r\nQUIT\r\n", new[] { 200, 221 }, TestName = "AnyCommandButQuitEndsTheWorkerWithItsClient")]
    [TestCase("QUIT\r\nNOOP\r\n", new[] { 221 }, TestName = "BytesAfterQuitEndTheWorkerWithItsClient")]
    [TestCase("QUIT x\r\nQUIT\r\n", new[] { 501, 221 }, TestName = "QuitWithAnArgumentEndsTheWorkerWithItsClient")]
    public void MoreThanABareQuitEndsTheWorker(string send, int[] replies)
    {
        using var s = ServerProcess.Start("worker_pool_size=1");
        int worker = OnlyPoolWorker(s);
        using (var c = s.Connect())
        {
            Assert.That(c.ReadReply().Code, Is.EqualTo(220));
            c.SendRaw(Encoding.ASCII.GetBytes(send));
            foreach (int code in replies) Assert.That(c.ReadReply().Code, Is.EqualTo(code));
            Assert.That(c.WaitForClose(10000), Is.True);
        }
        Assert.That(ProcTools.WaitUntil(() => !ProcTools.Exists(worker), ModelTools.Wait), Is.True, ModelTools.Why(s));
        Assert.That(s.LogShows($"worker {worker} exited (exit 0), client 127.0.0.1"), Is.True, ModelTools.Why(s));
        Assert.That(s.LogBarrier(), Does.Not.Contain("back in the pool"));
        ModelTools.WaitPool(s, 1); // replaced
    }

    [Test]
    public void WorkerReuseNoEndsEveryWorkerWithItsClient()
    {
        using var s = ServerProcess.Start("worker_pool_size=1", "worker_reuse=NO");
        int worker = OnlyPoolWorker(s);
        Assert.That(Probe(s, "QUIT\r\n"), Is.EqualTo(new[] { "220 (FtpFork 0.1.0)", "221 Goodbye." }));
        Assert.That(ProcTools.WaitUntil(() => !ProcTools.Exists(worker), ModelTools.Wait), Is.True, ModelTools.Why(s));
        Assert.That(s.LogShows($"worker {worker} exited (exit 0), client 127.0.0.1"), Is.True, ModelTools.Why(s));
        Assert.That(s.LogBarrier(), Does.Not.Contain("back in the pool"));
    }

    [Test]
    public void ASilentClientsWorkerStopsCountingAsThePoolsAndIsReplaced()
    {
        // A worker whose client has said nothing may come back, so it counts as the pool's for a
        // second; a client that stays silent must not keep the pool short for longer.
        using var s = ServerProcess.Start("worker_pool_size=1");
        int worker = OnlyPoolWorker(s);
        using var c = s.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(ProcTools.WaitUntil(() => ModelTools.PoolWorkers(s).Count == 1 && !ModelTools.PoolWorkers(s).Contains(worker), ModelTools.Wait),
            Is.True, ModelTools.Why(s));
        Assert.That(ModelTools.WorkerOf(s, c, "127.0.0.1: connected"), Is.EqualTo(worker));
        Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
    }
}
