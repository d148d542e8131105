// Raw fd I/O and poll for the data path and the master's loop: EINTR retried, EAGAIN reported as -1.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public static unsafe class RawIo
{
    public static long Read(int fd, Span<byte> buf)
    {
        fixed (byte* p = buf)
        {
            byte* q = p;
            int len = buf.Length;
            while (true)
            {
                long r = Syscall.read(fd, q, (ulong)len);
                if (r >= 0) return r;
                Errno e = Stdlib.GetLastError();
                if (e == Errno.EINTR) continue;
                if (e == Errno.EAGAIN) return -1;
                throw new PosixException("read", e);
            }
        }
    }

    public static long Write(int fd, ReadOnlySpan<byte> buf)
    {
        fixed (byte* p = buf)
        {
            byte* q = p;
            int len = buf.Length;
            while (true)
            {
                long r = Syscall.write(fd, q, (ulong)len);
                if (r >= 0) return r;
                Errno e = Stdlib.GetLastError();
                if (e == Errno.EINTR) continue;
                if (e == Errno.EAGAIN) return -1;
                throw new PosixException("write", e);
            }
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
        Posix.Check("poll", () => Syscall.poll(p, (uint)p.Length, timeoutMs));
        var ready = new bool[p.Length];
        for (int i = 0; i < p.Length; i++)
            ready[i] = (p[i].revents & (PollEvents.POLLIN | PollEvents.POLLHUP | PollEvents.POLLERR | PollEvents.POLLNVAL)) != 0;
        return ready;
    }
}
