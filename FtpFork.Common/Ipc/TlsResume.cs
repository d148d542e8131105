// What a session worker needs so the client's data connections resume its control connection's TLS session: keys, context, session.
namespace FtpFork.Common.Ipc;

/// <summary>
/// Made by the pre-login worker that holds the control connection's TLS session, carried through
/// the master as an opaque, length-checked string (AUTH → SESSION), and parsed by the session
/// worker only after it dropped privileges. <see cref="TicketKeys"/> and <see cref="SidContext"/>
/// are random per FTP session: no ticket or session of another FTP session can resume here.
/// </summary>
public sealed record TlsResume(byte[] TicketKeys, byte[] SidContext, byte[] Session, byte[] PeerCertDigest)
{
    public const int TicketKeysLength = 80, SidContextLength = 32, DigestLength = 32;
    /// <summary>An i2d'd server-side SSL_SESSION (a client certificate included) is well under this.</summary>
    public const int MaxSession = 12 * 1024;
    /// <summary>The longest text <see cref="Format"/> can produce: the master refuses anything longer.</summary>
    public const int MaxText = (TicketKeysLength + SidContextLength + MaxSession + DigestLength) * 4 / 3 + 16;

    public string Format() => string.Join('.', Convert.ToBase64String(TicketKeys), Convert.ToBase64String(SidContext),
        Convert.ToBase64String(Session), Convert.ToBase64String(PeerCertDigest));

    /// <summary>What the master checks of the text it relays without parsing it: its length and alphabet.</summary>
    public static bool LooksOpaque(string text)
    {
        if (text.Length > MaxText) return false;
        foreach (char c in text)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '.')) return false;
        return true;
    }

    /// <summary>Strict: four base64 parts with the exact lengths; anything else throws FormatException.</summary>
    public static TlsResume Parse(string text)
    {
        if (!LooksOpaque(text)) throw new FormatException("TLS resume state: bad text");
        string[] p = text.Split('.');
        if (p.Length != 4) throw new FormatException($"TLS resume state: {p.Length} parts, expected 4");
        var r = new TlsResume(Convert.FromBase64String(p[0]), Convert.FromBase64String(p[1]),
            Convert.FromBase64String(p[2]), Convert.FromBase64String(p[3]));
        if (r.TicketKeys.Length != TicketKeysLength || r.SidContext.Length != SidContextLength ||
            r.Session.Length is 0 or > MaxSession || r.PeerCertDigest.Length is not (0 or DigestLength))
            throw new FormatException("TLS resume state: bad lengths");
        return r;
    }
}
