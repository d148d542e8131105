// A hand-over ends when the worker has read its CLIENT: till then the master keeps its copy of the client; a worker that does not take it soon is killed and the client goes to another.
using System.Net.Sockets;
using FtpFork.Common.Interop;

namespace FtpFork.Master;

public sealed partial class MasterLoop
{
    /// <summary>How long a pool worker may leave its CLIENT unread (stopped, hung) before it is killed.</summary>
    private const int TakeMs = 100;

    /// <summary>A worker the kernel has woken (state R) but not run yet on a loaded machine gets this long.</summary>
    private const int RunnableTakeMs = 2000;

    // Workers handed a client they may not have read yet: WorkerProc.Untaken is the master's copy.
    private readonly List<WorkerProc> _handing = new();

    /// <summary>After CLIENT went out: the master keeps <paramref name="client"/> until the worker has read it.</summary>
    private void Handed(WorkerProc w, Socket client)
    {
        w.Untaken?.Dispose(); // a worker back from worker_reuse took its last client long ago
        w.Untaken = client;
        if (!_handing.Contains(w)) _handing.Add(w);
    }

    /// <summary>The worker has its client (it read CLIENT, or spoke after it): the master's copy goes.</summary>
    private void Taken(WorkerProc w)
    {
        w.Untaken?.Dispose();
        w.Untaken = null;
        _handing.Remove(w);
    }

    /// <summary>Milliseconds until a hand-over should be looked at again; -1 when none is under way.</summary>
    private int MsUntilHandOverCheck()
    {
        if (_handing.Count == 0) return -1;
        long now = Environment.TickCount64, first = long.MaxValue;
        foreach (var w in _handing) first = Math.Min(first, w.HandedAt + TakeMs - now);
        return (int)Math.Clamp(first, 1, TakeMs); // a runnable worker is looked at again every TakeMs
    }

    /// <summary>
    /// Each turn of the loop: hand-overs whose CLIENT was read are over; a worker that left its
    /// CLIENT unread for TakeMs (stopped, or blocked elsewhere), or RunnableTakeMs while runnable
    /// (starved, or spinning), is killed and its client given to another worker.
    /// </summary>
    private void CheckHandOvers()
    {
        if (_handing.Count == 0) return;
        long now = Environment.TickCount64;
        foreach (var w in _handing.ToArray())
        {
            int unread;
            try
            {
                unread = w.Channel < 0 ? -1 : TcpInfoCall.SendQueue(w.Channel);
            }
            catch (PosixException)
            {
                unread = -1;
            }
            if (unread == 0)
            {
                Taken(w);
                continue;
            }
            if (unread < 0)
            {
                Settle(w); // its channel is gone: the worker is leaving
                continue;
            }
            long waited = now - w.HandedAt;
            char state = ProcState(w.Pid);
            if (waited < TakeMs || (state == 'R' && waited < RunnableTakeMs)) continue;
            _log($"worker {w.Pid} did not take client {w.ClientIp}:{w.ClientPort} in {waited} ms (state {state}); killed, the client goes to another");
            w.Killed = true;
            SignalWatch.Kill(w.Pid);
            _pool.CloseChannel(w);
            Rehome(w);
        }
    }

    /// <summary>
    /// A worker that is leaving (its channel closed, or reaped) with its hand-over unsettled:
    /// a client nobody has said a byte to is given to another worker; one that was greeted was
    /// the worker's and leaves with it.
    /// </summary>
    private void Settle(WorkerProc w)
    {
        if (w.Untaken == null) return;
        bool greeted;
        try
        {
            int fd = (int)w.Untaken.Handle;
            greeted = TcpInfoCall.SendQueue(fd) > 0 || TcpInfoCall.BytesAcked(fd) > 0 || TcpInfoCall.Read(fd) is { IsClosed: true };
        }
        catch (PosixException)
        {
            greeted = true; // cannot tell: as before, the client goes with its worker
        }
        if (greeted) Taken(w);
        else Rehome(w);
    }

    /// <summary>Takes the client back from <paramref name="w"/> (its slot stays taken) and serves it first.</summary>
    private void Rehome(WorkerProc w)
    {
        var client = w.Untaken!;
        string ip = w.ClientIp!;
        int port = w.ClientPort;
        w.Untaken = null;
        w.ClientIp = null; // its reaping releases no slot: the client keeps it
        _handing.Remove(w);
        if (_stopping)
        {
            client.Dispose();
            _limits.Release(ip);
            return;
        }
        var rest = _waiting.ToArray();
        _waiting.Clear();
        _waiting.Enqueue((client, ip, port));
        foreach (var x in rest) _waiting.Enqueue(x);
        ServeWaiting();
        if (_waiting.Count > 0) _pool.EnsureStarting(_waiting.Count);
    }

    /// <summary>/proc/PID/stat's state letter (R running, S sleeping, T stopped, ...), '?' when it cannot be read.</summary>
    private static char ProcState(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length ? stat[close + 2] : '?';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return '?';
        }
    }
}
