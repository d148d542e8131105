// What the master tells a new session worker: who it becomes, where it is rooted, and the session state so far.
using System.Globalization;

namespace FtpFork.Common.Ipc;

/// <summary>
/// The session worker's identity and state. Uid/Gid 0 never appear (the master refuses them).
/// <see cref="Groups"/> are the supplementary groups (the master read them with getgrouplist; empty = none);
/// <see cref="Chroot"/> is the directory to chroot into ("" = none); <see cref="ViewRoot"/> is the
/// directory the session sees as "/" after that; <see cref="Cwd"/> its virtual start directory.
/// With TLS: <see cref="Tls"/> is the pre-login worker's TlsResume text (parsed only after the
/// identity change), the control fd is the plain end of that worker's relay, and
/// <see cref="LocalIp"/>/<see cref="LocalPort"/> are the server's end of the TCP connection (the
/// master's record: PASV binds there); <see cref="TlsCert"/>: a TLSCERT message follows CONFIG
/// (require_ssl_reuse=NO: full handshakes on data connections need the key).
/// </summary>
public sealed record SessionHandoff(
    string User, bool Anonymous, bool ChangeIdentity, uint[] Groups, uint Uid, uint Gid,
    string Chroot, string ViewRoot, string Cwd, int Umask, string ClientIp, int ClientPort,
    char Type, bool Utf8, byte[] Pending, int ClientCount = 0,
    bool Pbsz = false, bool Prot = false, string Tls = "", bool TlsCert = false, string LocalIp = "", int LocalPort = 0)
{
    private static readonly string[] Keys =
    {
        "user", "anon", "change", "groups", "uid", "gid", "chroot", "view", "cwd", "umask", "ip", "port", "type", "utf8", "pending", "count",
        "pbsz", "prot", "tls", "tlscert", "localip", "localport",
    };

    public string Format()
    {
        var groups = new string[Groups.Length];
        for (int i = 0; i < groups.Length; i++) groups[i] = Groups[i].ToString(CultureInfo.InvariantCulture);
        return KeyLines.Format(Keys, new[]
        {
            User, KeyLines.Flag(Anonymous), KeyLines.Flag(ChangeIdentity),
            string.Join(",", groups), Uid.ToString(CultureInfo.InvariantCulture),
            Gid.ToString(CultureInfo.InvariantCulture), Chroot, ViewRoot, Cwd, Umask.ToString(CultureInfo.InvariantCulture),
            ClientIp, ClientPort.ToString(CultureInfo.InvariantCulture), Type.ToString(), KeyLines.Flag(Utf8), Convert.ToBase64String(Pending),
            ClientCount.ToString(CultureInfo.InvariantCulture),
            KeyLines.Flag(Pbsz), KeyLines.Flag(Prot), Tls, KeyLines.Flag(TlsCert), LocalIp, LocalPort.ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <summary>Strict: every key once, in order; a broken message is a broken invariant (throws).</summary>
    public static SessionHandoff Parse(string body)
    {
        string[] v = KeyLines.Parse(body, Keys, "SESSION");
        static bool Flag(string s) => KeyLines.Flag(s, "SESSION");
        string[] gs = v[3] == "" ? Array.Empty<string>() : v[3].Split(',');
        var groups = new uint[gs.Length];
        for (int i = 0; i < gs.Length; i++) groups[i] = uint.Parse(gs[i], NumberStyles.None, CultureInfo.InvariantCulture);
        var h = new SessionHandoff(v[0], Flag(v[1]), Flag(v[2]), groups, uint.Parse(v[4], CultureInfo.InvariantCulture),
            uint.Parse(v[5], CultureInfo.InvariantCulture), v[6], v[7], v[8], int.Parse(v[9], CultureInfo.InvariantCulture),
            v[10], int.Parse(v[11], CultureInfo.InvariantCulture), v[12] is "A" or "I" ? v[12][0] : throw new FormatException("SESSION: bad type"),
            Flag(v[13]), Convert.FromBase64String(v[14]), int.Parse(v[15], NumberStyles.None, CultureInfo.InvariantCulture),
            Flag(v[16]), Flag(v[17]), v[18], Flag(v[19]), v[20], int.Parse(v[21], NumberStyles.None, CultureInfo.InvariantCulture));
        if (h.ChangeIdentity && (h.Uid == 0 || h.Gid == 0)) throw new FormatException("SESSION: uid/gid 0");
        if (!TlsResume.LooksOpaque(h.Tls)) throw new FormatException("SESSION: bad tls field");
        if (h.Tls != "" && (!System.Net.IPAddress.TryParse(h.LocalIp, out _) || h.LocalPort is < 1 or > 65535))
            throw new FormatException("SESSION: a TLS session without the server's address");
        return h;
    }
}
