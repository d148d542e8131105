// Who a pre-login worker becomes before its first client byte: nopriv_user in secure_chroot_dir, or the anonymous account in its root.
using System.Globalization;

namespace FtpFork.Common.Ipc;

/// <summary>
/// Sent by the master (PRELOGIN) to each new pool worker. <see cref="Drop"/> false: the master is
/// not root and nothing changes. <see cref="Anonymous"/> true: the worker runs as the anonymous
/// account chrooted in the anonymous root, so an anonymous login continues in the same process.
/// </summary>
public sealed record PreloginIdentity(bool Drop, uint Uid, uint Gid, string Root, bool Anonymous)
{
    public static readonly PreloginIdentity Unchanged = new(false, 0, 0, "", false);

    private static readonly string[] Keys = { "drop", "uid", "gid", "root", "anon" };

    public string Format() => KeyLines.Format(Keys, new[]
    {
        KeyLines.Flag(Drop), Uid.ToString(CultureInfo.InvariantCulture), Gid.ToString(CultureInfo.InvariantCulture),
        Root, KeyLines.Flag(Anonymous),
    });

    /// <summary>Strict: every key once, in order; uid/gid 0 or a relative root with Drop is a broken invariant (throws).</summary>
    public static PreloginIdentity Parse(string body)
    {
        string[] v = KeyLines.Parse(body, Keys, "PRELOGIN");
        static bool Flag(string s) => KeyLines.Flag(s, "PRELOGIN");
        var p = new PreloginIdentity(Flag(v[0]), uint.Parse(v[1], CultureInfo.InvariantCulture),
            uint.Parse(v[2], CultureInfo.InvariantCulture), v[3], Flag(v[4]));
        if (p.Drop && (p.Uid == 0 || p.Gid == 0 || !p.Root.StartsWith('/')))
            throw new FormatException("PRELOGIN: uid/gid 0 or a relative root");
        return p;
    }
}
