// The master under abuse: port taken, no worker binary, resets, a burst of clients, leaked descriptors.
using System.Net;
using System.Net.Sockets;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class ModelRobustnessTests
{
    [Test]
    public void PortTakenByAnotherMasterIsAClearError()
    {
        using var s = ServerProcess.Start();
        var r = RunTool.Run(ServerProcess.MasterPath,
            new[] { "-o", "listen_address=127.0.0.1", "-o", $"listen_port={s.Port}" }, 20000);
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain($"cannot start: cannot listen on 127.0.0.1:{s.Port}: Address already in use"));
    }

    [Test]
    public void PortTakenByAPlainListenerIsAClearError()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        try
        {
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            var r = RunTool.Run(ServerProcess.MasterPath, new[] { "-o", "listen_address=127.0.0.1", "-o", $"listen_port={port}" }, 20000);
            Assert.That(r.ExitCode, Is.EqualTo(1));
            Assert.That(r.Stderr, Does.Contain($"cannot listen on 127.0.0.1:{port}: Address already in use"));
        }
        finally { l.Stop(); }
    }

    [Test]
    public void MissingWorkerBinaryIsAClearError()
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-noworker-").FullName;
        try
        {
            CopyMasterWithoutWorker(dir);
            var r = RunTool.Run(Path.Combine(dir, "ftpfork"),
                new[] { "-o", "listen_address=127.0.0.1", "-o", $"listen_port={ServerProcess.FreePort()}" }, 20000);
            Assert.That(r.ExitCode, Is.EqualTo(1));
            Assert.That(r.Stderr, Does.Contain($"cannot start: worker binary not found beside the master: {dir}/ftpfork-worker"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void WorkersThatDieAtOnceNeverLeaveAClientHanging()
    {
        // A "worker" that exits at once: the client is closed instead of waiting for ever, and
        // the master keeps running with nothing left unreaped.
        string dir = Directory.CreateTempSubdirectory("ftpfork-badworker-").FullName;
        try
        {
            CopyMasterWithoutWorker(dir);
            File.WriteAllText(Path.Combine(dir, "ftpfork-worker"), "#!/bin/sh\nexit 3\n");
            File.SetUnixFileMode(Path.Combine(dir, "ftpfork-worker"), (UnixFileMode)Convert.ToInt32("755", 8));
            using var s = ServerProcess.StartBinary(Path.Combine(dir, "ftpfork"), "worker_pool_size=0");
            for (int i = 0; i < 3; i++)
            {
                using var c = s.Connect();
                Assert.That(c.WaitForClose(10000), Is.True, "closed, not left waiting");
            }
            Assert.That(s.Process.HasExited, Is.False);
            Assert.That(ProcTools.WaitUntil(() => ModelTools.Zombies(s.Pid).Count == 0, TimeSpan.FromSeconds(5)), Is.True, ModelTools.Why(s));
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>The master binary and its library in <paramref name="dir"/>, without a worker beside them.</summary>
    private static void CopyMasterWithoutWorker(string dir)
    {
        foreach (var f in Directory.GetFiles(ServerProcess.BinDir))
            if (!Path.GetFileName(f).StartsWith("ftpfork-worker")) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        File.SetUnixFileMode(Path.Combine(dir, "ftpfork"), File.GetUnixFileMode(ServerProcess.MasterPath));
    }

    [Test]
    public void ClientsThatResetAtOnceCostNothingLasting()
    {
        using var s = ServerProcess.Start("worker_pool_size=2");
        for (int i = 0; i < 20; i++)
        {
            using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            raw.LingerState = new LingerOption(true, 0); // close() sends RST
            raw.Connect(IPAddress.Loopback, s.Port);
        }
        // Each reset client is closed by the master before a hand-over, or its worker exits with it or
        // (worker_reuse) comes back to the pool; either way none is left serving it (FloodTests counts the starts).
        Assert.That(ProcTools.WaitUntil(() => ModelTools.SessionWorkers(s).Count == 0, TimeSpan.FromSeconds(20)),
            Is.True, "no reset client's worker stays" + ModelTools.Why(s));
        Assert.That(ModelTools.Zombies(s.Pid), Is.Empty);
        Assert.That(s.Process.HasExited, Is.False);
        ModelTools.WaitPool(s, 2, atLeast: true);
        using var c = ModelTools.LoggedIn(s);
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
    }

    [Test]
    public void FiftyClientsAtOnceWithASmallPool()
    {
        using var s = ServerProcess.Start("worker_pool_size=2");
        var clients = new List<FtpTestClient>();
        try
        {
            for (int i = 0; i < 50; i++) clients.Add(s.Connect());
            foreach (var c in clients) Assert.That(c.ReadReply(20000).Code, Is.EqualTo(220));
            var pids = ModelTools.WaitSessions(s, 50);
            Assert.That(pids.Distinct().Count(), Is.EqualTo(50));
            foreach (var c in clients) Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
            // Their clients sent nothing but QUIT: each worker either exits or (worker_reuse) goes back
            // to the pool, which keeps at most 4 × worker_pool_size; none is left serving anyone.
            Assert.That(ProcTools.WaitUntil(() => pids.All(p => !ProcTools.Exists(p) || ProcTools.Title(p) == "ftpfork: worker (pool)"),
                TimeSpan.FromSeconds(20)), Is.True, ModelTools.Why(s));
            Assert.That(ModelTools.Zombies(s.Pid), Is.Empty);
            ModelTools.WaitPool(s, 2, atLeast: true);
            Assert.That(ModelTools.PoolWorkers(s).Count, Is.LessThanOrEqualTo(8));
            Assert.That(ModelTools.SessionWorkers(s), Is.Empty);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public void WorkersInheritNoDescriptorOfTheMaster()
    {
        using var s = ServerProcess.Start("worker_pool_size=1");
        using var a = ModelTools.LoggedIn(s);
        using var b = ModelTools.LoggedIn(s);
        var sessions = ModelTools.WaitSessions(s, 2);
        ModelTools.WaitPool(s, 1, atLeast: true);
        // While a start is under way the master briefly holds the new worker's end of its
        // socketpair (until posix_spawn returns); a descriptor really leaked stays shared.
        string leak = "";
        bool none = ProcTools.WaitUntil(() =>
        {
            leak = "";
            var master = ModelTools.IpcFds(s.Pid).Values.ToHashSet();
            foreach (int w in sessions.Concat(ModelTools.PoolWorkers(s)))
            {
                var fds = ModelTools.IpcFds(w);
                var stdio = fds.Where(kv => kv.Key < 3).Select(kv => kv.Value).ToHashSet(); // deliberately shared (log), dup'd by .NET
                var shared = fds.Where(kv => kv.Key >= 3 && master.Contains(kv.Value) && !stdio.Contains(kv.Value)).ToList();
                if (shared.Count > 0) leak += $"worker {w} holds the master's {string.Join(", ", shared)}\n";
            }
            return leak == "";
        }, ModelTools.Wait);
        Assert.That(none, Is.True, leak);
        var ofA = ModelTools.IpcFds(sessions[0]).Values.Where(v => v.StartsWith("socket:")).ToHashSet();
        Assert.That(ModelTools.IpcFds(sessions[1]).Values.Where(ofA.Contains), Is.Empty, "two sessions share no socket");
    }
}
