// The one place identities change, in a fixed order: groups → chroot → chdir / → setgid → setuid → verify.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

/// <summary>
/// Privilege changes of a worker. Every step is checked; any failure throws and the worker must
/// exit without serving a byte. After a drop, regaining root is tried and must fail.
/// </summary>
public static class PrivilegeDrop
{
    public static bool RunningAsRoot => Syscall.geteuid() == 0;

    /// <summary>
    /// A pre-login worker: no supplementary groups, chrooted into <paramref name="root"/> (the empty
    /// secure_chroot_dir for nopriv_user, or the anonymous root for the anonymous account), then gid and uid.
    /// </summary>
    public static void ToPrelogin(uint uid, uint gid, string root) => Drop(Array.Empty<uint>(), uid, gid, root);

    /// <summary>
    /// A logged-in session: the supplementary <paramref name="groups"/> the master looked up for the
    /// account (getgrouplist; empty for none), chroot into <paramref name="chrootDir"/> when given,
    /// then the account's gid and uid.
    /// </summary>
    public static void ToUser(uint[] groups, uint uid, uint gid, string? chrootDir) => Drop(groups, uid, gid, chrootDir);

    private static void Drop(uint[] groups, uint uid, uint gid, string? chrootDir)
    {
        if (Syscall.geteuid() != 0) throw new InvalidOperationException("privilege drop without root");
        if (uid == 0 || gid == 0) throw new InvalidOperationException($"refusing to run a session as uid {uid} gid {gid}");
        // 1. groups (looked up by the master: a new worker never loads the NSS modules)
        Posix.Check("setgroups", () => Syscall.setgroups(groups));
        // 2. the root, then its top as the working directory
        if (chrootDir != null)
        {
            Posix.Check("chroot", () => Syscall.chroot(chrootDir));
        }
        Posix.Check("chdir", () => Syscall.chdir("/"));
        // 3. gid before uid: once the uid is gone, setgid is no longer allowed
        Posix.Check("setgid", () => Syscall.setgid(gid));
        Posix.Check("setuid", () => Syscall.setuid(uid));
        Verify(uid, gid);
        // 4. no exec can ever grant privileges again (we never exec; belt and braces)
        if (Native.prctl(Native.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            throw new PosixException("prctl(PR_SET_NO_NEW_PRIVS)", Stdlib.GetLastError());
    }

    /// <summary>Real, effective and saved ids are the target's; setuid(0)/setgid(0) fail.</summary>
    private static void Verify(uint uid, uint gid)
    {
        if (Native.getresuid(out uint ru, out uint eu, out uint su) != 0 || ru != uid || eu != uid || su != uid)
            throw new InvalidOperationException($"uid drop incomplete: {ru}/{eu}/{su}, wanted {uid}");
        if (Native.getresgid(out uint rg, out uint eg, out uint sg) != 0 || rg != gid || eg != gid || sg != gid)
            throw new InvalidOperationException($"gid drop incomplete: {rg}/{eg}/{sg}, wanted {gid}");
        if (Syscall.setuid(0) == 0 || Syscall.seteuid(0) == 0)
            throw new InvalidOperationException("root could be regained after the drop");
        if (Syscall.setgid(0) == 0)
            throw new InvalidOperationException("gid 0 could be regained after the drop");
    }

    /// <summary>After a chroot drop: true when the new identity can write to its root ("/"), as vsftpd 3 checks.</summary>
    public static bool RootWritable() => PathCalls.Access("/", 2);

    /// <summary>
    /// secure_chroot_dir as the master checks it at start: created 0755 root:root when missing
    /// (returns true then); an existing one must be a directory owned by root and not writable by others.
    /// </summary>
    public static bool EnsureEmptyRoot(string dir)
    {
        bool created = false;
        const FilePermissions mode = FilePermissions.S_IRWXU | FilePermissions.S_IRGRP | FilePermissions.S_IXGRP |
            FilePermissions.S_IROTH | FilePermissions.S_IXOTH;
        if (Syscall.stat(dir, out var st) != 0)
        {
            // Another master may create it at the same moment: EEXIST is fine, its checks follow.
            if (Syscall.mkdir(dir, mode) == 0)
            {
                Posix.Check("chown", () => Syscall.chown(dir, 0, 0));
                Posix.Check("chmod", () => Syscall.chmod(dir, mode));
                created = true;
            }
            else if (Stdlib.GetLastError() is var e && e != Errno.EEXIST)
            {
                throw new PosixException("mkdir " + dir, e);
            }
            Posix.Check("stat", () => Syscall.stat(dir, out st));
        }
        if ((st.st_mode & FilePermissions.S_IFMT) != FilePermissions.S_IFDIR)
            throw new InvalidOperationException($"secure_chroot_dir {dir} is not a directory");
        if (st.st_uid != 0 || (st.st_mode & (FilePermissions.S_IWGRP | FilePermissions.S_IWOTH)) != 0)
            throw new InvalidOperationException($"secure_chroot_dir {dir} must be owned by root and writable by root only");
        return created;
    }
}
