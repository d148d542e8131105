// worker_reuse: a pre-login worker whose client sent nothing but QUIT offers itself back (IDLE); the master checks before it takes it.
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

public sealed partial class MasterLoop
{
    /// <summary>
    /// IDLE, with the client's socket: the worker says its client left having sent at most a bare
    /// QUIT. The master does not take its word for it: the socket must be the one it handed over,
    /// and the kernel's count of the bytes that client sent at most "QUIT\r\n". Taken back, the
    /// worker waits for the next client; refused, it is killed (its slot is released when reaped).
    /// </summary>
    private void OnWorkerBack(WorkerProc w, Message m)
    {
        string client = $"{w.ClientIp}:{w.ClientPort}";
        var (why, suspect, bytes) = ReuseRefusal(w, m.Fd);
        Posix.Close(m.Fd); // the client's connection ends here (the worker closed its copy)
        if (why != null)
        {
            _log($"worker {w.Pid} not taken back after client {client}: {why}");
            if (suspect) SignalWatch.Kill(w.Pid);
            _pool.CloseChannel(w); // an honest worker leaves on EOF
            return;
        }
        _limits.Release(w.ClientIp!);
        bool kept = _pool.Returned(w, _waiting.Count > 0);
        _log($"client {client} left after {bytes} byte(s); worker {w.Pid} {(kept ? "back in the pool" : "not needed, leaves")}");
        if (kept) OnStarted(0); // a waiting client gets it
    }

    /// <summary>Why the worker may not serve another client (and whether that is the worker's doing), or null with the client's byte count.</summary>
    private (string? Why, bool Suspect, long Bytes) ReuseRefusal(WorkerProc w, int fd)
    {
        if (_stopping) return ("stopping", false, -1);
        if (!_config.WorkerReuse || !w.MayComeBack) return ("it was not offered a reusable session", true, -1);
        if (fd < 0) return ("no socket came back", true, -1);
        try
        {
            if (Posix.Identity(fd) != w.ClientSocket) return ("that is not its client's socket", true, -1);
            if (TcpInfoCall.Read(fd) is not { } info) return ("the kernel does not count the bytes received (TCP_INFO)", false, -1);
            long n = info.DataReceived;
            if (n > WorkerReuse.MaxClientBytes) return ($"its client sent {n} bytes", true, n);
            return (null, false, n);
        }
        catch (PosixException e)
        {
            return (e.Message, true, -1);
        }
    }
}
