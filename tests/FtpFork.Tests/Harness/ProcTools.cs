// Reads /proc for the tests: children, states, titles, uids; sends signals.
using System.Runtime.InteropServices;

namespace FtpFork.Tests.Harness;

public static partial class ProcTools
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int sig);

    public static void Signal(int pid, int sig) => SysKill(pid, sig);

    /// <summary>The fields of /proc/PID/stat after the command name: [0] is the state, [1] the ppid.</summary>
    public static string[]? Stat(int pid)
    {
        try
        {
            string s = File.ReadAllText($"/proc/{pid}/stat");
            return s[(s.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    public static bool Exists(int pid) => Stat(pid) != null;

    public static char State(int pid) => Stat(pid)?[0][0] ?? '-';

    public static List<int> Children(int pid)
    {
        var list = new List<int>();
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out int p)) continue;
            var st = Stat(p);
            if (st != null && st[1] == pid.ToString()) list.Add(p);
        }
        return list;
    }

    public static List<int> Descendants(int pid)
    {
        var all = new List<int>();
        foreach (int c in Children(pid))
        {
            all.Add(c);
            all.AddRange(Descendants(c));
        }
        return all;
    }

    /// <summary>The process title as ps shows it (/proc/PID/cmdline, NULs as spaces, trimmed).</summary>
    public static string Title(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException) { return ""; }
    }

    /// <summary>The names (/proc/PID/task/TID/comm) of a process's threads; a thread gone meanwhile is left out.</summary>
    public static List<string> ThreadNames(int pid)
    {
        var names = new List<string>();
        foreach (var t in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try { names.Add(File.ReadAllText(t + "/comm").TrimEnd('\n')); }
            catch (IOException) { }
        }
        return names;
    }

    /// <summary>
    /// The threads (TIDs) of a process that do not block signal <paramref name="sig"/> now
    /// (/proc/PID/task/TID/status SigBlk): a worker's signal thread alone, while it sleeps in ppoll.
    /// </summary>
    public static List<int> ThreadsTaking(int pid, int sig)
    {
        var tids = new List<int>();
        foreach (var t in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                string? blk = File.ReadLines(t + "/status").FirstOrDefault(l => l.StartsWith("SigBlk:"));
                if (blk != null && (Convert.ToUInt64(blk[7..].Trim(), 16) & (1UL << (sig - 1))) == 0)
                    tids.Add(int.Parse(Path.GetFileName(t)));
            }
            catch (IOException) { }
        }
        return tids;
    }

    /// <summary>voluntary_ctxt_switches of one thread: how often it slept and woke.</summary>
    public static long ThreadWakeups(int pid, int tid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/task/{tid}/status"))
            if (line.StartsWith("voluntary_ctxt_switches:")) return long.Parse(line.Split(':')[1].Trim());
        throw new InvalidOperationException($"no voluntary_ctxt_switches for thread {tid} of {pid}");
    }

    /// <summary>"Uid:" / "Gid:" line values of /proc/PID/status (real, effective, saved, fs).</summary>
    public static string[] StatusField(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field + ":"))
                return line[(field.Length + 1)..].Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Array.Empty<string>();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (no fixed sleeps).</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return condition();
    }
}
