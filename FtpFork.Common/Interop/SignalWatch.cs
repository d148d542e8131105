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
        _signals = which.Select(s => new UnixSignal(s switch
        {
            Sig.Alarm => Signum.SIGALRM,
            Sig.Child => Signum.SIGCHLD,
            Sig.Term => Signum.SIGTERM,
            Sig.Int => Signum.SIGINT,
            Sig.Hup => Signum.SIGHUP,
            _ => throw new ArgumentOutOfRangeException(nameof(which)),
        })).ToArray();
    }

    /// <summary>Blocks until one of the signals has arrived; clears and returns it.</summary>
    public Sig Wait()
    {
        while (true)
        {
            int i = UnixSignal.WaitAny(_signals, -1);
            if (i >= 0 && i < _signals.Length)
            {
                _signals[i].Reset();
                return _names[i];
            }
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
