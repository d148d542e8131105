// Helpers for the process-model tests: the master's children by role, zombies, shared descriptors.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

public static class ModelTools
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Children of the master serving a client from 127.0.0.1 (title "ftpfork: 127.0.0.1: ...").</summary>
    public static List<int> SessionWorkers(ServerProcess s) =>
        ProcTools.Children(s.Pid).Where(p => ProcTools.Title(p).StartsWith("ftpfork: 127.0.0.1:")).ToList();

    /// <summary>Children of the master waiting in the pool (titled "ftpfork: worker", "(pool)" once started).</summary>
    public static List<int> PoolWorkers(ServerProcess s) =>
        ProcTools.Children(s.Pid).Where(p => ProcTools.State(p) != 'Z' && ProcTools.Title(p).StartsWith("ftpfork: worker")).ToList();

    /// <summary>Children of the master started ahead of logins (titled "ftpfork: spare").</summary>
    public static List<int> Spares(ServerProcess s) =>
        ProcTools.Children(s.Pid).Where(p => ProcTools.State(p) != 'Z' && ProcTools.Title(p) == "ftpfork: spare").ToList();

    /// <summary>True when <paramref name="condition"/> holds at every look (each 20 ms) for the whole window.</summary>
    public static bool Holds(Func<bool> condition, TimeSpan window)
    {
        var end = DateTime.UtcNow + window;
        while (DateTime.UtcNow < end)
        {
            if (!condition()) return false;
            Thread.Sleep(20);
        }
        return condition();
    }

    /// <summary>
    /// True when <paramref name="count"/> reaches <paramref name="n"/> (within 20 s) and stays at or
    /// below it for 1.5 s more: a target reached and not passed, however slow the starts are.
    /// </summary>
    public static bool ReachesAndStays(Func<int> count, int n) =>
        ProcTools.WaitUntil(() => count() == n, TimeSpan.FromSeconds(20)) && Holds(() => count() <= n, TimeSpan.FromSeconds(1.5));

    public static List<int> Zombies(int parent) =>
        ProcTools.Children(parent).Where(p => ProcTools.State(p) == 'Z').ToList();

    /// <summary>Waits for exactly <paramref name="n"/> session workers and returns them.</summary>
    public static List<int> WaitSessions(ServerProcess s, int n)
    {
        List<int> found = new();
        bool ok = ProcTools.WaitUntil(() => (found = SessionWorkers(s)).Count == n, Wait);
        Assert.That(ok, Is.True, $"expected {n} session workers, have {found.Count}\n{s.Log}");
        return found;
    }

    /// <summary>Waits for exactly n ready pool workers, or at least n (after load the master may grow the pool for a while).</summary>
    public static void WaitPool(ServerProcess s, int n, bool atLeast = false)
    {
        int have = -1;
        bool ok = ProcTools.WaitUntil(() => (have = PoolWorkers(s).Count) == n || (atLeast && have > n), Wait);
        Assert.That(ok, Is.True, $"expected {(atLeast ? "at least " : "")}{n} pool workers, have {have}\n{s.Log}");
    }

    /// <summary>Pipe/socket objects (e.g. "socket:[123]") behind each fd of a process.</summary>
    public static Dictionary<int, string> IpcFds(int pid)
    {
        var d = new Dictionary<int, string>();
        string[] entries;
        try { entries = Directory.GetFileSystemEntries($"/proc/{pid}/fd"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return d; } // gone meanwhile
        foreach (var f in entries)
        {
            string? target;
            try { target = new FileInfo(f).LinkTarget; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (target != null && (target.StartsWith("socket:") || target.StartsWith("pipe:")))
                d[int.Parse(Path.GetFileName(f))] = target;
        }
        return d;
    }

    /// <summary>
    /// A logged-in anonymous client (banner and login asserted), returned once its session has settled:
    /// one live worker holds its connection, titled IDLE (the pre-login worker, if another, is gone).
    /// </summary>
    public static FtpTestClient LoggedIn(ServerProcess s)
    {
        var c = s.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Login().Code, Is.EqualTo(230));
        WorkerOf(s, c, ": anonymous: IDLE");
        return c;
    }

    /// <summary>
    /// The one live child of the master holding this client's connection (socket inode from
    /// /proc/net/tcp), once exactly one does and its title ends with <paramref name="titleEnd"/>.
    /// </summary>
    public static int WorkerOf(ServerProcess s, FtpTestClient c, string titleEnd = "")
    {
        int clientPort = ((System.Net.IPEndPoint)c.Socket.LocalEndPoint!).Port;
        string? inode = File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(f => f[2] == $"0100007F:{clientPort:X4}" && f[1] == $"0100007F:{s.Port:X4}")?[9];
        Assert.That(inode, Is.Not.Null, $"no server-side socket for client port {clientPort}");
        List<int> holders = new();
        bool ok = ProcTools.WaitUntil(() =>
        {
            holders = ProcTools.Children(s.Pid).Where(p => ProcTools.State(p) != 'Z' && IpcFds(p).ContainsValue($"socket:[{inode}]")).ToList();
            return holders.Count == 1 && ProcTools.Title(holders[0]).EndsWith(titleEnd);
        }, Wait);
        Assert.That(ok, Is.True, $"workers holding the client: {string.Join(", ", holders.Select(p => $"{p} '{ProcTools.Title(p)}'"))}{Why(s)}");
        return holders[0];
    }

    /// <summary>The server's whole log so far, for assertion messages.</summary>
    public static string Why(ServerProcess s) => "\nmaster log:\n" + s.Log;
}
