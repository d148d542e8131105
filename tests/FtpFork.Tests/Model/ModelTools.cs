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
        foreach (var f in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            string? target;
            try { target = new FileInfo(f).LinkTarget; } catch (IOException) { continue; }
            if (target != null && (target.StartsWith("socket:") || target.StartsWith("pipe:")))
                d[int.Parse(Path.GetFileName(f))] = target;
        }
        return d;
    }

    /// <summary>A logged-in anonymous client (banner and login asserted).</summary>
    public static FtpTestClient LoggedIn(ServerProcess s)
    {
        var c = s.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Login().Code, Is.EqualTo(230));
        return c;
    }

    /// <summary>The server's whole log so far, for assertion messages.</summary>
    public static string Why(ServerProcess s) => "\nmaster log:\n" + s.Log;
}
