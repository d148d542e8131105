// Process and fd calls (close, pipe, socketpair, kill, waitpid, umask), and the one EINTR/EAGAIN loop every wrapper uses.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public static class Posix
{
    /// <summary>
    /// The one EINTR loop: runs a call returning -1 on failure again while it fails with EINTR
    /// (SIGALRM interrupts calls); returns its result, with the errno read at once (0 on success).
    /// </summary>
    internal static unsafe long Retrying(Func<long> call, out Errno error) => Retrying(call, &Invoke, out error);

    private static long Invoke(Func<long> call) => call();

    /// <summary>
    /// The same loop for a call that must not allocate (the worker image's wait loop): a function
    /// pointer to a static method, its arguments as <paramref name="state"/> (a lambda would be
    /// a delegate allocated at its first use).
    /// </summary>
    internal static unsafe long Retrying<T>(T state, delegate*<T, long> call, out Errno error)
    {
        while (true)
        {
            long r = call(state);
            error = r == -1 ? Stdlib.GetLastError() : 0;
            if (error != Errno.EINTR) return r;
        }
    }

    /// <summary>As Check, allocating nothing unless it fails (see the Retrying above).</summary>
    internal static unsafe long Check<T>(string name, T state, delegate*<T, long> call)
    {
        long r = Retrying(state, call, out Errno e);
        if (r == -1) throw new PosixException(name, e);
        return r;
    }

    /// <summary>As CheckOrAgain, allocating nothing unless it fails.</summary>
    internal static unsafe long CheckOrAgain<T>(string name, T state, delegate*<T, long> call)
    {
        long r = Retrying(state, call, out Errno e);
        if (r != -1 || e == Errno.EAGAIN) return r;
        throw new PosixException(name, e);
    }

    /// <summary>A call returning -1 on failure, EINTR retried; any other failure throws.</summary>
    internal static long Check(string name, Func<long> call)
    {
        long r = Retrying(call, out Errno e);
        if (r == -1) throw new PosixException(name, e);
        return r;
    }

    /// <summary>As Check, for a non-blocking fd: -1 when the call would block (EAGAIN).</summary>
    internal static long CheckOrAgain(string name, Func<long> call)
    {
        long r = Retrying(call, out Errno e);
        if (r != -1 || e == Errno.EAGAIN) return r;
        throw new PosixException(name, e);
    }

    public static uint Alarm(uint seconds) => Syscall.alarm(seconds);

    /// <summary>getpid(2), asked each time: Environment.ProcessId is cached, and a forked child would report its parent's.</summary>
    public static int GetPid() => Syscall.getpid();

    public static uint GetUid() => Syscall.getuid();

    public static void Close(int fd)
    {
        // close() is never retried: on Linux the fd is gone even when EINTR is reported.
        if (fd >= 0) Syscall.close(fd);
    }

    /// <summary>What names an open file (a socket too) across processes: fstat's device and inode.</summary>
    public static (ulong Dev, ulong Ino) Identity(int fd)
    {
        Stat st = default;
        Check("fstat", () => Syscall.fstat(fd, out st));
        return (st.st_dev, st.st_ino);
    }

    public static void SetCloseOnExec(int fd) =>
        Check("fcntl(F_SETFD)", () => Syscall.fcntl(fd, FcntlCommand.F_SETFD, 1L /* FD_CLOEXEC */));

    /// <summary>A pipe, both ends close-on-exec (Mono.Posix has no pipe2).</summary>
    public static (int Read, int Write) Pipe()
    {
        int r = -1, w = -1;
        Check("pipe", () => Syscall.pipe(out r, out w));
        try
        {
            SetCloseOnExec(r);
            SetCloseOnExec(w);
        }
        catch
        {
            Close(r);
            Close(w);
            throw;
        }
        return (r, w);
    }

    /// <summary>A connected pair of AF_UNIX SOCK_SEQPACKET sockets, both close-on-exec.</summary>
    public static (int A, int B) SocketPair()
    {
        int a = -1, b = -1;
        Check("socketpair", () => Syscall.socketpair(UnixAddressFamily.AF_UNIX, UnixSocketType.SOCK_SEQPACKET,
            UnixSocketFlags.SOCK_CLOEXEC, 0, out a, out b));
        return (a, b);
    }

    /// <summary>A connected pair of AF_UNIX SOCK_STREAM sockets, both close-on-exec (a TLS relay's plain side).</summary>
    public static (int A, int B) StreamPair()
    {
        int a = -1, b = -1;
        Check("socketpair", () => Syscall.socketpair(UnixAddressFamily.AF_UNIX, UnixSocketType.SOCK_STREAM,
            UnixSocketFlags.SOCK_CLOEXEC, 0, out a, out b));
        return (a, b);
    }

    public static void Kill(int pid, Signum sig)
    {
        if (Syscall.kill(pid, sig) == -1 && Stdlib.GetLastError() is var e && e != Errno.ESRCH)
            throw new PosixException("kill", e);
    }

    /// <summary>One non-blocking waitpid(-1); returns null when no child has exited.</summary>
    public static (int Pid, string How)? ReapOne()
    {
        int status = 0;
        long r = Retrying(() => Syscall.waitpid(-1, out status, WaitOptions.WNOHANG), out Errno e);
        if (r > 0)
        {
            string how = Syscall.WIFEXITED(status) ? $"exit {Syscall.WEXITSTATUS(status)}"
                : Syscall.WIFSIGNALED(status) ? $"signal {Syscall.WTERMSIG(status)}" : $"status {status}";
            return ((int)r, how);
        }
        if (r == 0 || e == Errno.ECHILD) return null;
        throw new PosixException("waitpid", e);
    }

    public static void ShutdownRead(int fd) => Syscall.shutdown(fd, ShutdownOption.SHUT_RD);
    public static void ShutdownWrite(int fd) => Syscall.shutdown(fd, ShutdownOption.SHUT_WR);

    public static void Umask(int mask) => Syscall.umask((FilePermissions)mask);

    /// <summary>The process umask, read without changing it.</summary>
    public static int GetUmask()
    {
        var old = Syscall.umask(0);
        Syscall.umask(old);
        return (int)old;
    }}
