// The loop's half of `ftpfork who`: answering WHO and KICK from its own records; a kicked session that lingers is killed.
using FtpFork.Common.Interop;

namespace FtpFork.Master;

public sealed partial class MasterLoop
{
    /// <summary>How long a kicked worker has to say 421 and exit before it is killed.</summary>
    private const long KickGraceMs = 5000;
    private AdminServer? _admin;
    private readonly Dictionary<int, long> _kicks = new();

    private void OnAdmin()
    {
        foreach (var r in _admin!.Drain()) r.Answer(AdminAnswer(r.Line));
    }

    private string AdminAnswer(string line)
    {
        if (line == "WHO") return WhoReport.Json(Environment.ProcessId, _listeners.Select(Listeners.Describe), _pool.All);
        if (line.StartsWith("KICK ", StringComparison.Ordinal) && int.TryParse(line[5..], out int pid))
        {
            var w = _pool.Find(pid);
            if (w?.ClientIp == null) return WhoReport.Error($"no session with pid {pid}");
            SignalWatch.Send(pid, Sig.Usr1); // the worker says 421 and exits
            _kicks[pid] = Environment.TickCount64 + KickGraceMs;
            _log($"worker {pid}: session of {w.ClientIp}:{w.ClientPort} ended by the administrator (ftpfork who --kick)");
            return WhoReport.Kicked(pid);
        }
        return WhoReport.Error("unknown request (WHO, KICK pid)");
    }

    /// <summary>Ms until the next kicked worker's grace ends (-1: none); kills those past it.</summary>
    private int KickDeadlines()
    {
        if (_kicks.Count == 0) return -1;
        long now = Environment.TickCount64, next = long.MaxValue;
        foreach (var (pid, until) in _kicks.ToList())
        {
            if (_pool.Find(pid) == null) _kicks.Remove(pid);
            else if (until <= now)
            {
                _log($"worker {pid}: still there {KickGraceMs / 1000} s after the kick; killed");
                SignalWatch.Kill(pid);
                _kicks.Remove(pid);
            }
            else next = Math.Min(next, until - now);
        }
        return next == long.MaxValue ? -1 : (int)next;
    }
}
