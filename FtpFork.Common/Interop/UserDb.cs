// The account databases: passwd entries and names, group lists, /etc/shadow hashes, crypt() checks, /etc/shells.
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

    /// <summary>A group's id by name (getgrnam); null when there is no such group.</summary>
    public static uint? GroupId(string name) => Syscall.getgrnam(name)?.gr_gid;

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
            got = Crypt(password, hash);
        }
        if (got == null || got.Length == 0 || got[0] == '*') return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(got), Encoding.UTF8.GetBytes(hash));
    }

    /// <summary>crypt(3) from libcrypt (called under NonReentrant); null when the hash cannot be computed.</summary>
    private static string? Crypt(string key, string salt)
    {
        IntPtr p = Native.crypt(key, salt);
        return p == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(p);
    }

    /// <summary>The account's groups (getgrouplist), its primary group first.</summary>
    public static uint[] GroupsOf(string user, uint primary)
    {
        var list = new List<uint> { primary };
        foreach (var g in Syscall.getgrouplist(user) ?? Array.Empty<Group>())
            if (!list.Contains(g.gr_gid)) list.Add(g.gr_gid);
        return list.ToArray();
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

    /// <summary>The name this process runs as (the master's own account when it is not root).</summary>
    public static string CurrentUserName() => Find(Posix.GetUid())?.Name ?? "";
}
