// read/write/poll on any fd (files, pipes, sockets): the data path, the master's loop; EINTR retried, EAGAIN as -1.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public static unsafe class FdIo
{
    /// <summary>read(2): bytes read, 0 at EOF, -1 when a non-blocking fd has nothing (EAGAIN).</summary>
    public static long Read(int fd, Span<byte> buf)
    {
        fixed (byte* p = buf)
        {
            byte* q = p;
            ulong len = (ulong)buf.Length;
            return Posix.CheckOrAgain("read", () => Syscall.read(fd, q, len));
        }
    }

    /// <summary>write(2): bytes written, -1 when a non-blocking fd is full (EAGAIN).</summary>
    public static long Write(int fd, ReadOnlySpan<byte> buf)
    {
        fixed (byte* p = buf)
        {
            byte* q = p;
            ulong len = (ulong)buf.Length;
            return Posix.CheckOrAgain("write", () => Syscall.write(fd, q, len));
        }
    }

    /// <summary>Reads until EOF or <paramref name="max"/> bytes (small files: /proc entries, messages).</summary>
    public static byte[] ReadUpTo(int fd, int max)
    {
        var buf = new byte[max];
        int n = 0;
        long r;
        while (n < buf.Length && (r = Read(fd, buf.AsSpan(n))) > 0) n += (int)r;
        return n == buf.Length ? buf : buf.AsSpan(0, n).ToArray();
    }

    /// <summary>O_NONBLOCK on (a TLS relay's sockets: OpenSSL then reports "would block" instead of waiting).</summary>
    public static void SetNonBlocking(int fd)
    {
        long flags = Posix.Check("fcntl(F_GETFL)", () => Syscall.fcntl(fd, FcntlCommand.F_GETFL));
        Posix.Check("fcntl(F_SETFL)", () => Syscall.fcntl(fd, FcntlCommand.F_SETFL, flags | (long)OpenFlags.O_NONBLOCK));
    }

    /// <summary>Polls fds for readability; returns which are readable (or hung up / in error).</summary>
    public static bool[] PollRead(IReadOnlyList<int> fds, int timeoutMs)
    {
        var p = new Pollfd[fds.Count];
        for (int i = 0; i < p.Length; i++) p[i] = new Pollfd { fd = fds[i], events = PollEvents.POLLIN };
        Poll(p, timeoutMs);
        var ready = new bool[p.Length];
        for (int i = 0; i < p.Length; i++)
            ready[i] = (p[i].revents & (PollEvents.POLLIN | PollEvents.POLLHUP | PollEvents.POLLERR | PollEvents.POLLNVAL)) != 0;
        return ready;
    }

    /// <summary>poll(2) on up to two fds for reading/writing; returns revents of each (0 when not given).</summary>
    public static (short A, short B) Poll(int fdA, bool aWrite, int fdB, int timeoutMs)
    {
        var fds = new Pollfd[fdB >= 0 ? 2 : 1];
        fds[0] = new Pollfd { fd = fdA, events = aWrite ? PollEvents.POLLOUT : PollEvents.POLLIN };
        if (fdB >= 0) fds[1] = new Pollfd { fd = fdB, events = PollEvents.POLLIN };
        Poll(fds, timeoutMs);
        return ((short)fds[0].revents, fdB >= 0 ? (short)fds[1].revents : (short)0);
    }

    /// <summary>poll(2) on two fds, each for reading and/or writing (neither: not watched); returns revents of each.</summary>
    public static (short A, short B) Poll2(int fdA, bool aRead, bool aWrite, int fdB, bool bRead, bool bWrite, int timeoutMs)
    {
        static PollEvents Ev(bool r, bool w) => (r ? PollEvents.POLLIN : 0) | (w ? PollEvents.POLLOUT : 0);
        var fds = new Pollfd[2];
        fds[0] = new Pollfd { fd = aRead || aWrite ? fdA : -1, events = Ev(aRead, aWrite) };
        fds[1] = new Pollfd { fd = bRead || bWrite ? fdB : -1, events = Ev(bRead, bWrite) };
        Poll(fds, timeoutMs);
        return ((short)fds[0].revents, (short)fds[1].revents);
    }

    /// <summary>poll(2) itself, EINTR retried: the two shapes above fill and read the array.</summary>
    private static void Poll(Pollfd[] fds, int timeoutMs) =>
        Posix.Check("poll", () => Syscall.poll(fds, (uint)fds.Length, timeoutMs));

    /// <summary>
    /// poll(2) for reading on two fds, no timeout, allocating nothing (the worker image's wait
    /// loop). Bit 0: the first is readable (or at EOF, in error), bit 1: the second.
    /// </summary>
    public static int PollTwo(int a, int b)
    {
        Native.PollFd* fds = stackalloc Native.PollFd[2];
        fds[0] = new Native.PollFd { Fd = a, Events = Native.POLLIN };
        fds[1] = new Native.PollFd { Fd = b, Events = Native.POLLIN };
        Posix.Check("poll", (nint)fds, &PollTwoCall);
        const short any = Native.POLLIN | Native.POLLERR | Native.POLLHUP | Native.POLLNVAL;
        return ((fds[0].Revents & any) != 0 ? 1 : 0) | ((fds[1].Revents & any) != 0 ? 2 : 0);
    }

    private static long PollTwoCall(nint fds) => Native.poll((Native.PollFd*)fds, 2, -1);
}
