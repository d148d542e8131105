// A signalfd for the worker image's wait loop (SIGCHLD: a child to reap; SIGTERM/SIGINT: stop), read without allocating.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

/// <summary>
/// The signals must be blocked in every thread of the process (the master spawns the image with
/// them blocked, and the image's own thread keeps them so): they then stay queued for the fd and
/// no handler runs. The fd is close-on-exec and non-blocking; a forked child closes it.
/// </summary>
public static unsafe class SignalFd
{
    private const int Records = 8; // read at once
    public static int Open(Sig[] which)
    {
        byte* set = stackalloc byte[Native.SigSetSize];
        SignalWatch.FillSet((IntPtr)set, which);
        int fd = Native.signalfd(-1, (IntPtr)set, Native.SFD_NONBLOCK | Native.SFD_CLOEXEC);
        if (fd < 0) throw new PosixException("signalfd", Stdlib.GetLastError());
        return fd;
    }

    /// <summary>Reads every queued record; returns the signals seen, as a bit per signal number (1 &lt;&lt; signo).</summary>
    public static ulong Drain(int fd)
    {
        byte* buf = stackalloc byte[Native.SignalFdInfoSize * Records];
        ulong seen = 0;
        while (true)
        {
            long n = Posix.CheckOrAgain("read(signalfd)", (fd, (nint)buf), &ReadCall);
            if (n <= 0) return seen;
            for (long off = 0; off + Native.SignalFdInfoSize <= n; off += Native.SignalFdInfoSize)
            {
                uint signo = *(uint*)(buf + off);
                if (signo < 64) seen |= 1UL << (int)signo;
            }
        }
    }

    private static long ReadCall((int Fd, nint Buf) a) => Native.read(a.Fd, (void*)a.Buf, Native.SignalFdInfoSize * Records);

    /// <summary>The bit <see cref="Drain"/> sets for a signal.</summary>
    public static ulong Bit(Sig s) => 1UL << SignalWatch.NumberOf(s);
}
