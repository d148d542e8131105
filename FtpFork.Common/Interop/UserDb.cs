// The account databases for the master: passwd entries, /etc/shadow hashes, crypt() checks, /etc/shells.
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

/// <summary>A passwd entry, as the master needs it.</summary>
public sealed record Account(string Name, uint Uid, uint Gid, string Home, string Shell);

public static unsafe class UserDb
{
    // getspnam and crypt return pointers into static buffers: one caller at a time.
    private static readonly object NonReentrant = new();

    public static Account? Find(string name)
    {
        var p = Syscall.getpwnam(name);
        return p == null ? null : new Account(p.pw_name, p.pw_uid, p.pw_gid, p.pw_dir ?? "/", p.pw_shell ?? "");
    }

    public static Account? Find(uint uid)
    {
        var p = Syscall.getpwuid(uid);
        return p == null ? null : new Account(p.pw_name, p.pw_uid, p.pw_gid, p.pw_dir ?? "/", p.pw_shell ?? "");
    }

    /// <summary>The hash /etc/shadow holds for <paramref name="name"/>; null when unreadable or absent.</summary>
    public static string? ShadowHash(string name)
    {
        lock (NonReentrant)
        {
            Native.Spwd* s = Native.getspnam(name);
            return s == null || s->Pwdp == null ? null : Marshal.PtrToStringUTF8((IntPtr)s->Pwdp);
        }
    }

    /// <summary>
    /// True when crypt(password, hash) reproduces <paramref name="hash"/>; a locked ("!", "*") or
    /// empty hash never matches. The comparison takes the same time wherever the strings differ.
    /// </summary>
    public static bool CryptMatches(string password, string hash)
    {
        if (hash.Length < 2 || hash[0] is '!' or '*') return false;
        string? got;
        lock (NonReentrant)
        {
            got = ProcessLimits.Crypt(password, hash);
        }
        if (got == null || got.Length == 0 || got[0] == '*') return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(got), Encoding.UTF8.GetBytes(hash));
    }

    /// <summary>check_shell: the login shell is listed in /etc/shells.</summary>
    public static bool ShellListed(string shell)
    {
        try
        {
            return File.ReadLines("/etc/shells").Any(l => l.Trim() == shell);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True when <paramref name="fd"/> is an open socket (what a passed control connection must be).</summary>
    public static bool IsSocket(int fd) =>
        Syscall.fstat(fd, out var st) == 0 && (st.st_mode & FilePermissions.S_IFMT) == FilePermissions.S_IFSOCK;

    /// <summary>The name this process runs as (the master's own account when it is not root).</summary>
    public static string CurrentUserName() => Find(Syscall.getuid())?.Name ?? "";
}
