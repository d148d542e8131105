// The process model end to end: a worker per client, titles, reaping, the pool, SIGKILL and SIGTERM.
using FtpFork.Tests.Harness;
using FtpFork.Tests.Accounts;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class ModelProcessTests
{
    [Test]
    public void FiveSessionsFiveWorkersTitledAndReaped()
    {
        using var s = ServerProcess.Start();
        Assert.That(ProcTools.Title(s.Pid), Is.EqualTo($"ftpfork: master, listening on 127.0.0.1:{s.Port}"));
        var clients = Enumerable.Range(0, 5).Select(_ => ModelTools.LoggedIn(s)).ToList();
        try
        {
            var pids = ModelTools.WaitSessions(s, 5);
            Assert.That(pids.Distinct().Count(), Is.EqualTo(5));
            foreach (int p in pids)
            {
                Assert.That(ProcTools.Stat(p)![1], Is.EqualTo(s.Pid.ToString()), "the worker's parent is the master");
                Assert.That(ProcTools.WaitUntil(() => ProcTools.Title(p) == "ftpfork: 127.0.0.1: anonymous: IDLE", ModelTools.Wait),
                    Is.True, $"title of {p}: '{ProcTools.Title(p)}'");
            }
            foreach (var c in clients)
            {
                Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
                Assert.That(c.WaitForClose(5000), Is.True);
            }
            Assert.That(ProcTools.WaitUntil(() => pids.All(p => !ProcTools.Exists(p)), ModelTools.Wait), Is.True,
                "every worker exited and was reaped" + ModelTools.Why(s));
            Assert.That(ModelTools.Zombies(s.Pid), Is.Empty);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public void TitleBeforeAndAfterLogin()
    {
        using var s = ServerProcess.Start();
        using var c = s.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        int pid = ModelTools.WaitSessions(s, 1)[0];
        Assert.That(ProcTools.WaitUntil(() => ProcTools.Title(pid) == "ftpfork: 127.0.0.1: connected", ModelTools.Wait), Is.True,
            ProcTools.Title(pid));
        Assert.That(c.Login().Code, Is.EqualTo(230));
        // The logged-in session may run in a worker started for it with the user's identity: look again.
        Assert.That(ProcTools.WaitUntil(() => ModelTools.SessionWorkers(s).Select(ProcTools.Title)
            .SequenceEqual(new[] { "ftpfork: 127.0.0.1: anonymous: IDLE" }), ModelTools.Wait), Is.True,
            string.Join(", ", ModelTools.SessionWorkers(s).Select(ProcTools.Title)));
    }

    [Test]
    public void WorkersRunWithoutTheRuntimesSocketThread()
    {
        // The worker keeps its sockets as plain fds: a System.Net.Sockets.Socket starts the runtime's
        // ".NET Sockets" engine thread, costing start-up CPU in every worker (and every setuid signals it).
        using var s = ServerProcess.Start();
        ModelTools.WaitPool(s, 1, atLeast: true);
        int pooled = ModelTools.PoolWorkers(s)[0];
        Assert.That(ProcTools.WaitUntil(() => ProcTools.Title(pooled) == "ftpfork: worker (pool)", ModelTools.Wait), Is.True);
        Assert.That(ProcTools.ThreadNames(pooled), Does.Not.Contain(".NET Sockets"), "a pool worker");
        using var c = s.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        int pre = ModelTools.WorkerOf(s, c, ": connected");
        Assert.That(ProcTools.ThreadNames(pre), Does.Not.Contain(".NET Sockets"), "a worker serving a client before login");
        Assert.That(c.Login().Code, Is.EqualTo(230));
        int post = ModelTools.WorkerOf(s, c, ": anonymous: IDLE");
        using (var d = DataClient.Pasv(c))
        {
            Assert.That(c.Command("LIST").Code, Is.EqualTo(150));
            DataClient.ReadAll(d);
            Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        }
        Assert.That(ProcTools.ThreadNames(post), Does.Not.Contain(".NET Sockets"), "a logged-in session after a PASV transfer");
        Assert.That(ProcTools.ThreadNames(post), Does.Contain(".NET Finalizer"), "the names are read right");
    }

    [Test]
    public void QuitLeavesNoWorkerAndNoZombie()
    {
        using var s = ServerProcess.Start();
        using var c = ModelTools.LoggedIn(s);
        int pid = ModelTools.WaitSessions(s, 1)[0];
        Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
        Assert.That(c.WaitForClose(5000), Is.True);
        Assert.That(ProcTools.WaitUntil(() => !ProcTools.Exists(pid), ModelTools.Wait), Is.True, $"state {ProcTools.State(pid)}");
        Assert.That(ModelTools.Zombies(s.Pid), Is.Empty);
        Assert.That(ProcTools.WaitUntil(() => s.Log.Contains($"worker {pid} exited (exit 0), client 127.0.0.1"), ModelTools.Wait),
            Is.True, ModelTools.Why(s));
    }

    [Test]
    public void PoolWorkersExistBeforeAnyClient()
    {
        using var s = ServerProcess.Start("worker_pool_size=3", "local_enable=YES");
        ModelTools.WaitPool(s, 3);
        // Beside the 3 pre-login workers, 3 spares wait to become logged-in sessions' workers.
        Assert.That(ProcTools.WaitUntil(() => ModelTools.Spares(s).Count == 3, ModelTools.Wait), Is.True);
        Assert.That(ProcTools.Children(s.Pid).Count, Is.EqualTo(6));
        foreach (int p in ModelTools.PoolWorkers(s))
            Assert.That(ProcTools.WaitUntil(() => ProcTools.Title(p) == "ftpfork: worker (pool)", ModelTools.Wait), Is.True);
    }

    [Test]
    public void AnonymousOnlyServerKeepsNoSpares()
    {
        Need.Root(); // anon_single_process needs root: then anonymous sessions stay in their pre-login worker
        using var s = ServerProcess.Start("worker_pool_size=3", "local_enable=NO", "anonymous_enable=YES");
        ModelTools.WaitPool(s, 3);
        using (var c = ModelTools.LoggedIn(s))
            Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
        ModelTools.WaitPool(s, 3); // refilled after the session
        Assert.That(ModelTools.Spares(s), Is.Empty, "no logged-in session can need a spare: none is started");
        // The session's worker may not be reaped yet; after that, the three pool workers are all.
        Assert.That(ProcTools.WaitUntil(() => ProcTools.Children(s.Pid).Count == 3, ModelTools.Wait), Is.True,
            string.Join(", ", ProcTools.Children(s.Pid).Select(p => $"{p} '{ProcTools.Title(p)}'")));
    }

    [Test]
    public void PoolSizeZeroStartsWorkersOnDemand()
    {
        using var s = ServerProcess.Start("worker_pool_size=0");
        // A window in which nothing may happen: a pool of one has its worker within milliseconds.
        Assert.That(ModelTools.Holds(() => ProcTools.Children(s.Pid).Count == 0, TimeSpan.FromSeconds(1.5)), Is.True,
            "no worker before a client" + ModelTools.Why(s));
        using (var c = ModelTools.LoggedIn(s))
        {
            Assert.That(ModelTools.WaitSessions(s, 1), Has.Count.EqualTo(1));
            Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
        }
        using var c2 = ModelTools.LoggedIn(s);
        Assert.That(ProcTools.WaitUntil(() => ProcTools.Children(s.Pid).Count == 1, ModelTools.Wait), Is.True);
        Assert.That(ModelTools.Holds(() => ProcTools.Children(s.Pid).Count == 1, TimeSpan.FromSeconds(1)), Is.True,
            "no replacement is started for the session's worker" + ModelTools.Why(s));
    }

    [Test]
    public void ClientsArrivingTogetherAtAnEmptyPoolWaitAndAreAllServed()
    {
        using var s = ServerProcess.Start("worker_pool_size=0");
        // Six connections before any worker exists: the master keeps them (and their slots) until
        // workers it starts for them are ready, oldest first.
        var clients = Enumerable.Range(0, 6).Select(_ => s.Connect()).ToList();
        try
        {
            foreach (var c in clients) Assert.That(c.ReadReply().Code, Is.EqualTo(220), s.Log);
            foreach (var c in clients) Assert.That(c.Login("anonymous", "x@y").Code, Is.EqualTo(230), s.Log);
            Assert.That(ModelTools.WaitSessions(s, 6), Has.Count.EqualTo(6));
            var pids = clients.Select(c => ModelTools.WorkerOf(s, c)).ToList();
            Assert.That(pids.Distinct().Count(), Is.EqualTo(6), "one worker per client");
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
        Assert.That(ProcTools.WaitUntil(() => ProcTools.Children(s.Pid).Count == 0, ModelTools.Wait), Is.True, "all reaped");
        Assert.That(ModelTools.Zombies(s.Pid), Is.Empty);
    }

    [Test]
    public void ClientsGoOnlyToWorkersThatFinishedStartingAndStartsAreLimitedToOnePerCpu()
    {
        Need.Root(); // as root an anonymous-only server keeps no spares: only pool workers start
        // userlist_file is a FIFO: a pool worker reads it while it starts (the master only at a
        // login), so every start stalls until something opens the FIFO for writing.
        string fifo = Path.Combine(Directory.CreateTempSubdirectory("ftpfork-fifo-").FullName, "users");
        Assert.That(RunTool.Run("mkfifo", new[] { fifo }).ExitCode, Is.EqualTo(0));
        int cpus = Environment.ProcessorCount;
        using var s = ServerProcess.Start($"worker_pool_size={cpus + 2}", "local_enable=NO", "userlist_enable=YES", $"userlist_file={fifo}");
        // One start under way per CPU, not worker_pool_size of them.
        ModelTools.WaitPool(s, cpus);
        using var c = s.Connect();
        // No worker has finished starting: the master keeps the client rather than hand it to one.
        // (A window in which nothing may happen; the stalled starts count as under way for 10 s.)
        var until = DateTime.UtcNow.AddSeconds(1.5);
        while (DateTime.UtcNow < until)
            Assert.That(ModelTools.PoolWorkers(s), Has.Count.EqualTo(cpus), ModelTools.Why(s));
        Assert.That(s.LogBarrier(), Does.Not.Contain("client 127.0.0.1:"), "handed to a worker still starting");
        // Release the stalled starts (they read an empty list) until a worker is ready for the client.
        FtpReply? greeting = null;
        for (int i = 0; i < 20 && greeting == null; i++)
        {
            RunTool.Run("timeout", new[] { "1", "sh", "-c", $": > '{fifo}'" });
            try { greeting = c.ReadReply(200); } catch (TimeoutException) { }
        }
        Assert.That(greeting?.Code, Is.EqualTo(220), ModelTools.Why(s));
        Assert.That(s.LogShows("client 127.0.0.1:"), Is.True, ModelTools.Why(s));
    }

    [Test]
    public void WorkersStuckInTheirStartEndWhenTheMasterStops()
    {
        Need.Root(); // as root an anonymous-only server keeps no spares: only pool workers start
        // userlist_file is a FIFO nobody writes: every pool worker's start stalls opening it, before
        // its signal thread exists. SIGTERM must still end them, or the stopping master waits for ever.
        string fifo = Path.Combine(Directory.CreateTempSubdirectory("ftpfork-fifo-").FullName, "users");
        Assert.That(RunTool.Run("mkfifo", new[] { fifo }).ExitCode, Is.EqualTo(0));
        using var s = ServerProcess.Start("worker_pool_size=1", "local_enable=NO", "userlist_enable=YES", $"userlist_file={fifo}");
        ModelTools.WaitPool(s, 1);
        var stuck = ModelTools.PoolWorkers(s);
        Assert.That(s.Terminate(TimeSpan.FromSeconds(10)), Is.EqualTo(0), ModelTools.Why(s));
        foreach (int p in stuck)
            Assert.That(ProcTools.WaitUntil(() => !ProcTools.Exists(p), ModelTools.Wait), Is.True, $"worker {p} outlived the master");
    }

    [Test]
    public void AnIdleSessionsSignalThreadSleepsUntilASignalComes()
    {
        using var s = ServerProcess.Start();
        using var c = ModelTools.LoggedIn(s);
        int pid = ModelTools.WaitSessions(s, 1)[0];
        Assert.That(ProcTools.WaitUntil(() => ProcTools.Title(pid).EndsWith(": IDLE"), ModelTools.Wait), Is.True);
        // The thread that acts on signals sleeps with them unblocked for it alone: it wakes for a
        // signal and nothing else (UnixSignal.WaitAny, bounded to a second, woke it every second).
        // A window in which nothing may happen: 2.5 s.
        // It is the one thread that takes SIGALRM and SIGTERM (found by its mask, not its name:
        // a JIT build's runtime does not name it); every other thread blocks both.
        List<int> takers = new();
        Assert.That(ProcTools.WaitUntil(() => (takers = ProcTools.ThreadsTaking(pid, 14)).Count == 1, ModelTools.Wait), Is.True,
            $"threads taking SIGALRM: {string.Join(", ", takers)}");
        Assert.That(ProcTools.ThreadsTaking(pid, 15), Is.EqualTo(takers), "the same thread alone takes SIGTERM");
        int tid = takers[0];
        long before = ProcTools.ThreadWakeups(pid, tid);
        Thread.Sleep(2500);
        Assert.That(ProcTools.ThreadWakeups(pid, tid), Is.EqualTo(before), "the signal thread woke without a signal");
        ProcTools.Signal(pid, 15); // and a signal is acted on at once
        Assert.That(c.ReadReply(5000).Text, Is.EqualTo("Server is shutting down."));
        Assert.That(c.WaitForClose(5000), Is.True);
    }

    [Test]
    public void APoolGrowsAfterABurstToAtMostFourTimesItsSize()
    {
        Need.Root(); // as root an anonymous-only server keeps no spares: only pool workers start
        using var s = ServerProcess.Start("worker_pool_size=1", "local_enable=NO");
        ModelTools.WaitPool(s, 1);
        // Ten clients at once find the pool (of one) empty again and again: it grows, by doubling.
        var clients = Enumerable.Range(0, 10).Select(_ => s.Connect()).ToList();
        try
        {
            foreach (var c in clients) Assert.That(c.ReadReply().Code, Is.EqualTo(220), ModelTools.Why(s));
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
        // Refilled, the pool holds 4 × worker_pool_size workers, and not more.
        Assert.That(ModelTools.ReachesAndStays(() => ModelTools.PoolWorkers(s).Count, 4), Is.True,
            $"pool workers: {ModelTools.PoolWorkers(s).Count}" + ModelTools.Why(s));
    }

    [Test]
    public void KilledSessionWorkerAffectsNoOtherAndThePoolRefills()
    {
        using var s = ServerProcess.Start("worker_pool_size=2");
        using var a = ModelTools.LoggedIn(s);
        using var victim = ModelTools.LoggedIn(s);
        using var b = ModelTools.LoggedIn(s);
        ModelTools.WaitSessions(s, 3);
        Assert.That(victim.Command("NOOP").Code, Is.EqualTo(200));
        // The victim's worker: the one whose client socket is the victim's (its local port is the worker's peer).
        int pid = ModelTools.WorkerOf(s, victim);
        ProcTools.Signal(pid, 9);
        Assert.That(victim.WaitForClose(5000), Is.True, "the killed session's client sees EOF");
        Assert.That(ProcTools.WaitUntil(() => !ProcTools.Exists(pid), ModelTools.Wait), Is.True, $"reaped? state {ProcTools.State(pid)}");
        Assert.That(ModelTools.Zombies(s.Pid), Is.Empty);
        Assert.That(ProcTools.WaitUntil(() => s.Log.Contains($"worker {pid} exited (signal SIGKILL), client 127.0.0.1"), ModelTools.Wait),
            Is.True, ModelTools.Why(s));
        Assert.That(a.Command("NOOP").Code, Is.EqualTo(200));
        Assert.That(b.Command("PWD").Code, Is.EqualTo(257));
        using var fresh = ModelTools.LoggedIn(s);
        ModelTools.WaitSessions(s, 3);
        ModelTools.WaitPool(s, 2, atLeast: true);
    }

    [Test]
    public void KilledPoolWorkerIsReplaced()
    {
        using var s = ServerProcess.Start("worker_pool_size=2");
        ModelTools.WaitPool(s, 2);
        int pid = ModelTools.PoolWorkers(s)[0];
        ProcTools.Signal(pid, 9);
        Assert.That(ProcTools.WaitUntil(() => !ProcTools.Exists(pid), ModelTools.Wait), Is.True);
        ModelTools.WaitPool(s, 2);
        using var c = ModelTools.LoggedIn(s);
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
    }

    [Test]
    public void SigtermSends421ToIdleSessionsAndLeavesNoWorker()
    {
        using var s = ServerProcess.Start("worker_pool_size=2");
        using var a = ModelTools.LoggedIn(s);
        using var pre = s.Connect();
        Assert.That(pre.ReadReply().Code, Is.EqualTo(220));
        ModelTools.WaitSessions(s, 2);
        ModelTools.WaitPool(s, 2, atLeast: true);
        var workers = ProcTools.Children(s.Pid);
        Assert.That(workers, Has.Count.GreaterThanOrEqualTo(4));
        ProcTools.Signal(s.Pid, 15);
        Assert.That(a.ReadLine(3000), Is.EqualTo("421 Server is shutting down."));
        Assert.That(pre.ReadLine(3000), Is.EqualTo("421 Server is shutting down."));
        Assert.That(a.WaitForClose(3000), Is.True);
        Assert.That(s.Process.WaitForExit(10000), Is.True, "the master exits" + ModelTools.Why(s));
        s.Process.WaitForExit(); // and its log is read to the end
        Assert.That(s.Process.ExitCode, Is.EqualTo(0));
        foreach (int w in workers)
            Assert.That(ProcTools.Exists(w), Is.False, $"worker {w} left behind: {ProcTools.Title(w)}");
        Assert.That(s.Log, Does.Contain("stopped: every worker has exited"));
    }

    [Test]
    public void SigintStopsLikeSigterm()
    {
        using var s = ServerProcess.Start("worker_pool_size=1");
        using var a = ModelTools.LoggedIn(s);
        var workers = ModelTools.WaitSessions(s, 1);
        ProcTools.Signal(s.Pid, 2);
        Assert.That(a.ReadLine(3000), Is.EqualTo("421 Server is shutting down."));
        Assert.That(s.Process.WaitForExit(10000), Is.True);
        Assert.That(s.Process.ExitCode, Is.EqualTo(0));
        Assert.That(ProcTools.Exists(workers[0]), Is.False);
    }
}
