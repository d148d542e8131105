// Signals as flags: UnixSignal's native handler only counts; a thread of ours waits and acts.
using System.Runtime.InteropServices;
using Mono.Unix;
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

/// <summary>The signals FtpFork acts on: Usr1 ends a worker's session (`ftpfork who --kick`), Usr2 upgrades the master.</summary>
public enum Sig { Alarm, Child, Term, Int, Hup, Usr1, Usr2 }

public sealed unsafe class SignalWatch
{
    private readonly UnixSignal[] _signals;
    private readonly Sig[] _names;
    // Blocked mode: the mask the waiting thread has while it sleeps in ppoll (the watched signals
    // unblocked), and how long it sleeps (null: until a signal; 1 s when they were not blocked at start).
    private readonly IntPtr _waitMask;
    private readonly bool _bounded;

    private SignalWatch(Sig[] which, IntPtr waitMask, bool bounded)
    {
        _names = which;
        _waitMask = waitMask;
        _bounded = bounded;
        _signals = new UnixSignal[which.Length];
        for (int i = 0; i < which.Length; i++) _signals[i] = new UnixSignal(ToSignum(which[i]));
    }

    /// <summary>Waits with UnixSignal.WaitAny (the master: threads the runtime started before Main may take the signals).</summary>
    public SignalWatch(params Sig[] which) : this(which, IntPtr.Zero, false) { }

    /// <summary>
    /// For a worker, which the master spawns with these signals blocked (WorkerSignals), so that every
    /// thread of it has them blocked: the waiting thread unblocks them only while it sleeps in
    /// ppoll, so they are delivered to it and nowhere else. No pipes, no native callback, no wake-up
    /// but a signal. Started some other way (they are not blocked), the calling thread blocks them
    /// and the wait looks at the counts every second: a signal another thread took is still seen.
    /// </summary>
    public static SignalWatch Blocked(params Sig[] which)
    {
        IntPtr mask = Marshal.AllocHGlobal(Native.SigSetSize);
        try
        {
            bool wereBlocked = ChangeMask(Native.SIG_BLOCK, which, mask); // mask: as it was before
            foreach (var s in which) Native.sigdelset(mask, Number(s));
            // DefaultUntilWatched, if called, saw the mask from the spawn; this thread unblocked them since.
            bool inherited = _spawnedBlocked ?? wereBlocked;
            return new SignalWatch(which, mask, bounded: !inherited);
        }
        catch
        {
            Marshal.FreeHGlobal(mask);
            throw;
        }
    }

    /// <summary>
    /// In a child forked after this watch was made in blocked mode (the worker image makes it once
    /// for all its children): the mask the waiting thread gets in ppoll becomes the calling
    /// thread's mask now without the watched signals, as Blocked would have computed it here. The
    /// handlers are the process's dispositions, copied by fork; the counts live in the helper's
    /// plain memory, copied too, and are 0 (the image kept the signals blocked); no pipe exists.
    /// </summary>
    public void Rebase()
    {
        if (_waitMask == IntPtr.Zero) throw new InvalidOperationException("Rebase of a watch that is not in blocked mode");
        IntPtr none = Marshal.AllocHGlobal(Native.SigSetSize);
        try
        {
            Native.sigemptyset(none);
            int rc = Native.pthread_sigmask(Native.SIG_BLOCK, none, _waitMask);
            if (rc != 0) throw new PosixException("pthread_sigmask", NativeConvert.ToErrno(rc));
            foreach (var s in _names) Native.sigdelset(_waitMask, Number(s));
        }
        finally
        {
            Marshal.FreeHGlobal(none);
        }
    }

    /// <summary>What a worker is spawned with blocked (see Blocked).</summary>
    public static readonly Sig[] WorkerSignals = { Sig.Alarm, Sig.Term, Sig.Int, Sig.Usr1 };

    // Set by DefaultUntilWatched: whether the signals came blocked from the spawn (null: not asked).
    private static bool? _spawnedBlocked;

    /// <summary>
    /// First thing in a worker's Main: notes whether the master spawned it with these signals
    /// blocked (every thread the runtime started keeps them so), then unblocks them in the calling
    /// thread only, where their default action (end the process) holds until Blocked() blocks
    /// them again, just before handlers are installed for them.
    /// </summary>
    public static void DefaultUntilWatched(params Sig[] which)
    {
        IntPtr old = Marshal.AllocHGlobal(Native.SigSetSize);
        try
        {
            _spawnedBlocked = ChangeMask(Native.SIG_UNBLOCK, which, old);
        }
        finally
        {
            Marshal.FreeHGlobal(old);
        }
    }

    /// <summary>pthread_sigmask(<paramref name="how"/>) for these signals in the calling thread; <paramref name="old"/> gets the mask as it was. Returns whether they were all blocked before.</summary>
    private static bool ChangeMask(int how, Sig[] which, IntPtr old)
    {
        IntPtr set = Marshal.AllocHGlobal(Native.SigSetSize);
        try
        {
            FillSet(set, which);
            int rc = Native.pthread_sigmask(how, set, old);
            if (rc != 0) throw new PosixException("pthread_sigmask", NativeConvert.ToErrno(rc));
            foreach (var s in which)
                if (Native.sigismember(old, Number(s)) != 1) return false;
            return true;
        }
        finally
        {
            Marshal.FreeHGlobal(set);
        }
    }

    /// <summary>Makes <paramref name="set"/> (a sigset_t) hold exactly these signals.</summary>
    internal static void FillSet(IntPtr set, IReadOnlyList<Sig> which)
    {
        Native.sigemptyset(set);
        foreach (var s in which) Native.sigaddset(set, Number(s));
    }

    /// <summary>Blocks until one of the signals has arrived; clears and returns it.</summary>
    /// <remarks>
    /// Mono.Posix's handler always counts the signal but writes to a wake-up pipe only while a
    /// WaitAny is running (the pipes are set up and torn down per call). A signal that lands between
    /// two calls (while our thread acts on the previous one) is only counted, so the counts are
    /// looked at first and WaitAny is bounded: seen at once, or at worst a second later, never lost.
    /// (Seen: a master after SIGTERM kept 4 exited pool workers unreaped and never exited.) In
    /// blocked mode the counts are looked at with the signals blocked, and ppoll unblocks them
    /// atomically: one landing in between is delivered the moment ppoll starts, and wakes it.
    /// </remarks>
    public Sig Wait()
    {
        var second = new Native.Timespec { Sec = 1 };
        while (true)
        {
            for (int i = 0; i < _signals.Length; i++)
                if (_signals[i].Reset()) return _names[i];
            if (_waitMask == IntPtr.Zero)
            {
                UnixSignal.WaitAny(_signals, 1000);
            }
            else if (Native.ppoll(IntPtr.Zero, 0, _bounded ? &second : null, _waitMask) < 0)
            {
                // EINTR is the wake-up (a handler ran); anything else would spin here for ever.
                var errno = NativeConvert.ToErrno(Marshal.GetLastPInvokeError());
                if (errno != Errno.EINTR) throw new PosixException("ppoll", errno);
            }
        }
    }

    private static Signum ToSignum(Sig s) => s switch
    {
        Sig.Alarm => Signum.SIGALRM,
        Sig.Child => Signum.SIGCHLD,
        Sig.Term => Signum.SIGTERM,
        Sig.Int => Signum.SIGINT,
        Sig.Hup => Signum.SIGHUP,
        Sig.Usr1 => Signum.SIGUSR1,
        Sig.Usr2 => Signum.SIGUSR2,
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    /// <summary>The signal's number on this system.</summary>
    internal static int NumberOf(Sig s) => Number(s);

    private static int Number(Sig s) => NativeConvert.FromSignum(ToSignum(s));

    /// <summary>kill(2) with one of the watched signals (a gone process is not an error).</summary>
    public static void Send(int pid, Sig sig) => Posix.Kill(pid, ToSignum(sig));

    public static void Kill(int pid) => Posix.Kill(pid, Signum.SIGKILL);
}
