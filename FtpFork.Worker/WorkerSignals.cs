// The worker's signal thread and the one place it acts: before a client SIGTERM ends the process, after it the session.
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public static class WorkerSignals
{
    private static Session? _session;
    // A SIGTERM after the client arrived but before its session exists is kept for the session (it
    // then says 421 instead of vanishing); before any client it ends the process at once.
    private static readonly object Gate = new();
    private static bool _hasClient, _termPending;

    /// <summary>Starts the signal thread on a watch made with SignalWatch.Blocked.</summary>
    public static void Start(SignalWatch watch) => ProcessCalls.StartThread("signals", () => SignalLoop(watch));

    /// <summary>Whether a client is here (a SIGTERM is then kept for its session rather than fatal).</summary>
    public static void SetHasClient(bool hasClient)
    {
        lock (Gate) _hasClient = hasClient;
    }

    /// <summary>
    /// The session left and this process may go back to the pool: from here a SIGTERM ends it at
    /// once, as before any client. False when a stop was asked for (the process must end).
    /// </summary>
    public static bool Release(Session s)
    {
        lock (Gate)
        {
            if (_termPending || s.TerminateRequested) return false;
            _session = null;
            _hasClient = false;
            return true;
        }
    }

    /// <summary>The place signals are acted on: before a client arrives SIGTERM just ends the process.</summary>
    private static void SignalLoop(SignalWatch watch)
    {
        while (true)
        {
            var sig = watch.Wait();
            Session? s;
            lock (Gate)
            {
                s = _session;
                if (s == null && sig is Sig.Term or Sig.Int)
                {
                    if (!_hasClient) ProcessCalls.Exit(0);
                    _termPending = true;
                }
            }
            s?.OnSignal(sig);
        }
    }

    /// <summary>Makes the session the signals' target, handing it a SIGTERM that came before it existed.</summary>
    public static void Publish(Session session)
    {
        bool pending;
        lock (Gate)
        {
            _session = session;
            pending = _termPending;
        }
        if (pending) session.OnSignal(Sig.Term);
    }
}
