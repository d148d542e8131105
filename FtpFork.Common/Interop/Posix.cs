// Checked wrappers over Mono.Posix: each reads errno at once, retries EINTR and throws PosixException.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public static class Posix
{
    /// <summary>Runs a call returning -1 on failure; retries on EINTR (SIGALRM interrupts calls).</summary>
    internal static long Check(string name, Func<long> call)
    {
        while (true)
        {
            long r = call();
            if (r != -1) return r;
            Errno e = Stdlib.GetLastError();
            if (e == Errno.EINTR) continue;
            throw new PosixException(name, e);
        }
    }

    public static uint Alarm(uint seconds) => Syscall.alarm(seconds);

    public static int GetPid() => Syscall.getpid();
    public static uint GetUid() => Syscall.getuid();
    public static uint GetEuid() => Syscall.geteuid();

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

    public static void Kill(int pid, Signum sig)
    {
        if (Syscall.kill(pid, sig) == -1 && Stdlib.GetLastError() != Errno.ESRCH)
            throw new PosixException("kill", Stdlib.GetLastError());
    }

    /// <summary>One non-blocking waitpid(-1); returns null when no child has exited.</summary>
    public static (int Pid, string How)? ReapOne()
    {
        while (true)
        {
            int r = Syscall.waitpid(-1, out int status, WaitOptions.WNOHANG);
            if (r > 0)
            {
                string how = Syscall.WIFEXITED(status) ? $"exit {Syscall.WEXITSTATUS(status)}"
                    : Syscall.WIFSIGNALED(status) ? $"signal {Syscall.WTERMSIG(status)}" : $"status {status}";
                return (r, how);
            }
            if (r == 0) return null;
            Errno e = Stdlib.GetLastError();
            if (e == Errno.EINTR) continue;
            if (e == Errno.ECHILD) return null;
            throw new PosixException("waitpid", e);
        }
    }

    public static void ShutdownRead(int fd) => Syscall.shutdown(fd, ShutdownOption.SHUT_RD);
    public static void ShutdownWrite(int fd) => Syscall.shutdown(fd, ShutdownOption.SHUT_WR);

    /// <summary>sendfile(2): returns bytes sent, 0 at EOF, -1 when the socket would block (EAGAIN).</summary>
    public static long SendFile(int outFd, int inFd, ref long offset, long count)
    {
        while (true)
        {
            long r = Syscall.sendfile(outFd, inFd, ref offset, (ulong)count);
            if (r >= 0) return r;
            Errno e = Stdlib.GetLastError();
            if (e == Errno.EINTR) continue;
            if (e == Errno.EAGAIN) return -1;
            throw new PosixException("sendfile", e);
        }
    }

    /// <summary>poll(2) on up to two fds for reading/writing; returns revents of each (0 when not given).</summary>
    public static (short A, short B) Poll(int fdA, bool aWrite, int fdB, int timeoutMs)
    {
        var fds = new Pollfd[fdB >= 0 ? 2 : 1];
        fds[0] = new Pollfd { fd = fdA, events = aWrite ? PollEvents.POLLOUT : PollEvents.POLLIN };
        if (fdB >= 0) fds[1] = new Pollfd { fd = fdB, events = PollEvents.POLLIN };
        Check("poll", () => Syscall.poll(fds, (uint)fds.Length, timeoutMs));
        return ((short)fds[0].revents, fdB >= 0 ? (short)fds[1].revents : (short)0);
    }

    public static Passwd? GetPwNam(string name) => Syscall.getpwnam(name);

    public static void Chroot(string dir)
    {
        Check("chroot", () => Syscall.chroot(dir));
        Check("chdir", () => Syscall.chdir("/"));
    }

    public static void Chdir(string dir) => Check("chdir", () => Syscall.chdir(dir));

    public static void SetGroups(uint[] groups) => Check("setgroups", () => Syscall.setgroups(groups));
    public static void SetGid(uint gid) => Check("setgid", () => Syscall.setgid(gid));
    public static void SetUid(uint uid) => Check("setuid", () => Syscall.setuid(uid));
    public static int SetUidRaw(uint uid) => Syscall.setuid(uid);

    public static uint[] GroupsOf(string user, uint primary)
    {
        var list = new List<uint> { primary };
        foreach (var g in Syscall.getgrouplist(user) ?? Array.Empty<Group>())
            if (!list.Contains(g.gr_gid)) list.Add(g.gr_gid);
        return list.ToArray();
    }

    public static void Umask(int mask) => Syscall.umask((FilePermissions)mask);

    public static Errno LastError() => Stdlib.GetLastError();
}
