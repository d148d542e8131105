// Files opened for transfers: open for RETR (regular files only) and STOR/APPE/STOU, locks, seek, sendfile, xferlog.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

/// <summary>What fstat told about a file opened for a transfer.</summary>
public readonly record struct FileFacts(long Size, bool OtherReadable);

public enum CreateHow { Truncate, Keep, Exclusive }

public static class TransferFiles
{
    /// <summary>
    /// Opens a regular file for reading (close-on-exec). O_NONBLOCK while opening, so a FIFO can
    /// never block the session, then cleared. Null when it cannot be opened or is not a regular file.
    /// </summary>
    public static int? OpenRead(string path, out FileFacts facts)
    {
        facts = default;
        int fd = OpenRetrying(path, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC | OpenFlags.O_NOCTTY, 0, out _);
        if (fd < 0) return null;
        if (Syscall.fstat(fd, out Stat st) != 0 || (st.st_mode & FilePermissions.S_IFMT) != FilePermissions.S_IFREG)
        {
            Posix.Close(fd);
            return null;
        }
        long flags = Posix.Check("fcntl(F_GETFL)", () => Syscall.fcntl(fd, FcntlCommand.F_GETFL));
        Posix.Check("fcntl(F_SETFL)", () => Syscall.fcntl(fd, FcntlCommand.F_SETFL, flags & ~(long)OpenFlags.O_NONBLOCK));
        facts = new FileFacts(st.st_size, (st.st_mode & FilePermissions.S_IROTH) != 0);
        return fd;
    }

    /// <summary>
    /// Opens (creating with <paramref name="mode"/>, the umask applies) a file to write. Returns the
    /// fd, or null with the errno; <paramref name="created"/> says whether this call made the file.
    /// <paramref name="beforeTruncate"/> runs on the fd before an existing file is truncated.
    /// </summary>
    public static int? OpenWrite(string path, CreateHow how, int mode, out bool created, out Errno error, Action<int>? beforeTruncate = null)
    {
        created = false;
        error = 0;
        var flags = OpenFlags.O_WRONLY | OpenFlags.O_CLOEXEC | OpenFlags.O_NOCTTY | OpenFlags.O_NONBLOCK;
        // Exclusive first, to tell "we made it" from "it was there" (delete_failed_uploads).
        int fd = OpenRetrying(path, flags | OpenFlags.O_CREAT | OpenFlags.O_EXCL, mode, out error);
        created = fd >= 0;
        if (fd < 0 && how != CreateHow.Exclusive && error == Errno.EEXIST) fd = OpenRetrying(path, flags, 0, out error);
        if (fd < 0) return null;
        if (Syscall.fstat(fd, out Stat st) != 0 || (st.st_mode & FilePermissions.S_IFMT) != FilePermissions.S_IFREG)
        {
            Posix.Close(fd);
            error = Errno.EINVAL;
            return null;
        }
        long fl = Posix.Check("fcntl(F_GETFL)", () => Syscall.fcntl(fd, FcntlCommand.F_GETFL));
        Posix.Check("fcntl(F_SETFL)", () => Syscall.fcntl(fd, FcntlCommand.F_SETFL, fl & ~(long)OpenFlags.O_NONBLOCK));
        beforeTruncate?.Invoke(fd); // lock_upload_files: a reader never sees the file cut short
        if (how == CreateHow.Truncate && !created) Posix.Check("ftruncate", () => Syscall.ftruncate(fd, 0));
        return fd;
    }

    /// <summary>
    /// fcntl(F_SETLKW) on the whole file, shared (a download) or exclusive (an upload); waits for a
    /// conflicting lock to go (EINTR retried: the caller's data alarm ends a wait that lasts too long).
    /// </summary>
    public static void LockWhole(int fd, bool exclusive)
    {
        var fl = new Flock
        {
            l_type = exclusive ? LockType.F_WRLCK : LockType.F_RDLCK,
            l_whence = SeekFlags.SEEK_SET,
            l_start = 0,
            l_len = 0,
        };
        Posix.Check("fcntl(F_SETLKW)", () => Syscall.fcntl(fd, FcntlCommand.F_SETLKW, ref fl));
    }

    /// <summary>
    /// A log file for appending, created 0600 if missing (the master opens xferlog_file once and
    /// hands the fd to every worker, which could not open it in its chroot or as its user).
    /// </summary>
    public static int OpenLog(string path)
    {
        int fd = OpenRetrying(path, OpenFlags.O_WRONLY | OpenFlags.O_APPEND | OpenFlags.O_CREAT | OpenFlags.O_CLOEXEC | OpenFlags.O_NOCTTY,
            Convert.ToInt32("600", 8), out var error);
        if (fd < 0) throw new PosixException("open " + path, error);
        return fd;
    }

    /// <summary>lseek to an absolute offset, or to the end with <paramref name="offset"/> = -1.</summary>
    public static long Seek(int fd, long offset) => offset < 0
        ? Posix.Check("lseek", () => Syscall.lseek(fd, 0, SeekFlags.SEEK_END))
        : Posix.Check("lseek", () => Syscall.lseek(fd, offset, SeekFlags.SEEK_SET));

    /// <summary>sendfile(2): returns bytes sent, 0 at EOF, -1 when the socket would block (EAGAIN).</summary>
    public static long SendFile(int outFd, int inFd, ref long offset, long count)
    {
        long off = offset;
        long r = Posix.CheckOrAgain("sendfile", () => Syscall.sendfile(outFd, inFd, ref off, (ulong)count));
        offset = off;
        return r;
    }

    /// <summary>open(2), EINTR retried; the errno when it failed.</summary>
    private static int OpenRetrying(string path, OpenFlags flags, int mode, out Errno error) =>
        (int)Posix.Retrying(() => Syscall.open(path, flags, (FilePermissions)mode), out error);
}
