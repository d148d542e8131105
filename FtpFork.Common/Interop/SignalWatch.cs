// Signals as flags: UnixSignal's native handler only counts; a thread of ours waits and acts.
using Mono.Unix;
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public enum Sig { Alarm, Child, Term, Int, Hup }

public sealed class SignalWatch
{
    private readonly UnixSignal[] _signals;
    private readonly Sig[] _names;

    public SignalWatch(params Sig[] which)
    {
        _names = which;
        _signals = new UnixSignal[which.Length];
        for (int i = 0; i < which.Length; i++)
            _signals[i] = new UnixSignal(which[i] switch
            {
                Sig.Alarm => Signum.SIGALRM,
                Sig.Child => Signum.SIGCHLD,
                Sig.Term => Signum.SIGTERM,
                Sig.Int => Signum.SIGINT,
                Sig.Hup => Signum.SIGHUP,
                _ => throw new ArgumentOutOfRangeException(nameof(which)),
            });
    }

    /// <summary>Blocks until one of the signals has arrived; clears and returns it.</summary>
    /// <remarks>
    /// Mono.Posix's handler always counts the signal but writes to a wake-up pipe only while a
    /// WaitAny is running (the pipes are set up and torn down per call). A signal that lands between
    /// two calls (while our thread acts on the previous one) is only counted, so the counts are
    /// looked at first and WaitAny is bounded: seen at once, or at worst a second later, never lost.
    /// (Seen: a master after SIGTERM kept 4 exited pool workers unreaped and never exited.)
    /// </remarks>
    public Sig Wait()
    {
        while (true)
        {
            for (int i = 0; i < _signals.Length; i++)
                if (_signals[i].Reset()) return _names[i];
            UnixSignal.WaitAny(_signals, 1000);
        }
    }

    public static void Send(int pid, Sig sig) => Posix.Kill(pid, sig switch
    {
        Sig.Term => Signum.SIGTERM,
        Sig.Int => Signum.SIGINT,
        Sig.Hup => Signum.SIGHUP,
        Sig.Alarm => Signum.SIGALRM,
        _ => Signum.SIGKILL,
    });

    public static void Kill(int pid) => Posix.Kill(pid, Signum.SIGKILL);
}
