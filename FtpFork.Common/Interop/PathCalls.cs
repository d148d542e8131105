// Calls on a path for the file commands and listings: lstat/stat, realpath, readlink, access, mkdir/rmdir/unlink/rename, chmod, utimes.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

/// <summary>The parts of struct stat the file commands and listings use (Dev and Ino: MLSx's unique fact).</summary>
public readonly record struct FileStat(uint Mode, long Links, uint Uid, uint Gid, long Size, long MtimeSec, ulong Dev = 0, ulong Ino = 0)
{
    public const uint TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000, Symlink = 0xA000,
        Fifo = 0x1000, Socket = 0xC000, Block = 0x6000, Char = 0x2000;

    public uint Type => Mode & TypeMask;
    public bool IsDirectory => Type == Directory;
    public bool IsRegular => Type == Regular;
    public bool IsSymlink => Type == Symlink;
    /// <summary>The permission bits, including setuid/setgid/sticky (07777).</summary>
    public uint Perms => Mode & 0xFFF;
}

public static class PathCalls
{
    private static FileStat From(in Stat st) =>
        new((uint)st.st_mode, (long)st.st_nlink, st.st_uid, st.st_gid, st.st_size, st.st_mtime, st.st_dev, st.st_ino);

    /// <summary>lstat(2): null when the path does not exist (or cannot be examined).</summary>
    public static FileStat? LStat(string path) => LStatErrno(path, out var st) == 0 ? st : null;

    /// <summary>True when anything (file, directory, dangling link) has this name.</summary>
    public static bool Exists(string path) => LStat(path) != null;

    /// <summary>stat(2) (follows symlinks): null when the path or its target does not exist.</summary>
    public static FileStat? Stat(string path)
    {
        Stat st = default;
        return Posix.Retrying(() => Syscall.stat(path, out st), out _) == 0 ? From(st) : null;
    }

    /// <summary>lstat(2) without throwing: Ok, Missing (ENOENT), or Failed (any other error).</summary>
    public static LStatResult TryLStat(string path, out FileStat stat)
    {
        var e = LStatErrno(path, out stat);
        return e == 0 ? LStatResult.Ok : e == Errno.ENOENT ? LStatResult.Missing : LStatResult.Failed;
    }

    /// <summary>lstat(2) that tells why it failed: the errno (0 on success).</summary>
    private static Errno LStatErrno(string path, out FileStat stat)
    {
        Stat st = default;
        Posix.Retrying(() => Syscall.lstat(path, out st), out Errno e);
        stat = e == 0 ? From(st) : default;
        return e;
    }

    /// <summary>realpath(3): the absolute path with every symlink, "." and ".." resolved; null when it fails.</summary>
    public static string? RealPath(string path)
    {
        IntPtr p = Native.realpath(path, IntPtr.Zero);
        if (p == IntPtr.Zero) return null;
        try { return System.Runtime.InteropServices.Marshal.PtrToStringUTF8(p); }
        finally { Native.free(p); }
    }

    /// <summary>readlink(2) of a symlink: its target as stored (UTF-8), or null.</summary>
    public static string? ReadLink(string path)
    {
        var sb = new System.Text.StringBuilder(4096);
        long n = Syscall.readlink(path, sb);
        return n < 0 ? null : sb.ToString(0, (int)Math.Min(n, sb.Length));
    }

    /// <summary>
    /// By its mode bits, whether <paramref name="uid"/> (with only the group <paramref name="gid"/>)
    /// could write to <paramref name="path"/>: owner, group or other write bit as applies.
    /// </summary>
    public static bool WritableBy(string path, uint uid, uint gid)
    {
        var st = Stat(path);
        if (st == null) return false;
        uint m = st.Value.Mode;
        if (st.Value.Uid == uid) return (m & 0x80) != 0;   // 0200
        if (st.Value.Gid == gid) return (m & 0x10) != 0;   // 0020
        return (m & 0x2) != 0;                              // 0002
    }

    /// <summary>access(2) for the process's own (real) ids: R=4, W=2, X=1.</summary>
    public static bool Access(string path, int mode)
    {
        AccessModes m = 0; // Mono's enum has its own values: translate the POSIX bits
        if ((mode & 4) != 0) m |= AccessModes.R_OK;
        if ((mode & 2) != 0) m |= AccessModes.W_OK;
        if ((mode & 1) != 0) m |= AccessModes.X_OK;
        return Syscall.access(path, m == 0 ? AccessModes.F_OK : m) == 0;
    }

    public static void Mkdir(string path, int mode) =>
        Posix.Check("mkdir", () => Syscall.mkdir(path, (FilePermissions)mode));

    public static void Rmdir(string path) => Posix.Check("rmdir", () => Syscall.rmdir(path));

    public static void Unlink(string path) => Posix.Check("unlink", () => Syscall.unlink(path));

    public static void Rename(string from, string to) => Posix.Check("rename", () => Syscall.rename(from, to));

    public static void Chmod(string path, int mode) =>
        Posix.Check("chmod", () => Syscall.chmod(path, (FilePermissions)mode));

    /// <summary>lchown(2): the owner and group of the name itself (a socket file, a link).</summary>
    public static void Chown(string path, uint uid, uint gid) => Posix.Check("lchown", () => Syscall.lchown(path, uid, gid));

    /// <summary>What the name is (lstat's device and inode), to tell later whether it is still the file made; null when absent.</summary>
    public static (ulong Dev, ulong Ino)? Identity(string path)
    {
        Stat st = default;
        return Posix.Retrying(() => Syscall.lstat(path, out st), out _) == 0 ? (st.st_dev, st.st_ino) : null;
    }

    /// <summary>Sets the access and modification times (seconds since the epoch, UTC).</summary>
    public static void SetTimes(string path, long atimeSec, long mtimeSec)
    {
        var t = new[] { new Timeval { tv_sec = atimeSec }, new Timeval { tv_sec = mtimeSec } };
        Posix.Check("utimes", () => Syscall.utimes(path, t));
    }
}

public enum LStatResult { Ok, Missing, Failed }
