// worker_reuse in the pool: a pool worker whose client sent nothing but QUIT counts as the pool's for a grace, and may be taken back.
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

public sealed partial class WorkerPool
{
    /// <summary>worker_reuse, from the config: set by the master before the first start.</summary>
    public bool Reuse { get; set; }

    // worker_reuse: a pool worker whose client has sent no command but QUIT may come back (IDLE) for
    // GraceMs after the hand-over, and counts as the pool's until then: a health check or a port
    // scan then costs no process start, and a session's replacement starts at its first command.
    private bool MayReturn(WorkerProc w, long now) =>
        w.MayComeBack && w.Channel >= 0 && now - w.HandedAt < WorkerReuse.GraceMs;

    private int Returning(long now)
    {
        if (!Reuse) return 0;
        int n = 0;
        foreach (var w in _byPid.Values) if (MayReturn(w, now)) n++;
        return n;
    }

    /// <summary>Milliseconds until a worker that may come back stops counting as the pool's (the pool may then need a start); -1 when none counts.</summary>
    public int MsUntilGraceEnds()
    {
        if (!Reuse) return -1;
        long now = Environment.TickCount64, first = long.MaxValue;
        foreach (var w in _byPid.Values)
            if (MayReturn(w, now)) first = Math.Min(first, w.HandedAt + WorkerReuse.GraceMs - now);
        return first == long.MaxValue ? -1 : (int)Math.Max(1, first);
    }

    /// <summary>
    /// A worker the master took back (IDLE checked): ready for the next client, or, when the pool
    /// is full without it and no client waits, told to leave (its channel closed). True when kept.
    /// </summary>
    public bool Returned(WorkerProc w, bool clientsWaiting)
    {
        w.ClientIp = null;
        w.ClientPort = 0;
        w.Committed = false;
        if (!Current(w))
        {
            Retire(w);
            return false;
        }
        if (!clientsWaiting && _idle.Count + _pendingPool >= _target)
        {
            CloseChannel(w);
            return false;
        }
        _idle.Enqueue(w);
        return true;
    }
}
