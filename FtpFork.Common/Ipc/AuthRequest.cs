// The one request a pre-login worker may send the master: AUTH user/password plus the session state, parsed strictly.
using System.Text;
using FtpFork.Common.Accounts;

namespace FtpFork.Common.Ipc;

/// <summary>
/// A login attempt. Body, exactly eight lines: user, password, TYPE (A or I), UTF8 (0 or 1), the
/// client bytes the worker had read but not yet processed (base64), PBSZ done and PROT P (0 or
/// 1), and the TLS resume state (TlsResume's text, opaque to the master; empty without TLS). The
/// control connection rides along as the fd: the TCP socket, or under TLS the plain end of the
/// relay's socketpair. Anything else is malformed and ends the sending worker.
/// </summary>
public sealed record AuthRequest(string User, string Password, char Type, bool Utf8, byte[] Pending,
    bool Pbsz = false, bool Prot = false, string Tls = "")
{
    public const int MaxPassword = 1024;
    public const int MaxPending = 8192;
    public const int MaxBody = 16 * 1024 + TlsResume.MaxText;

    /// <summary>A password the request can carry: at most 1024 UTF-8 bytes, no NUL, LF or U+FFFD (a decoding scar).</summary>
    public static bool ValidPassword(string password) =>
        Encoding.UTF8.GetByteCount(password) <= MaxPassword && password.IndexOfAny(new[] { '\0', '\n', '\uFFFD' }) < 0;

    public string Format() =>
        $"{User}\n{Password}\n{Type}\n{(Utf8 ? '1' : '0')}\n{Convert.ToBase64String(Pending)}\n{(Pbsz ? '1' : '0')}\n{(Prot ? '1' : '0')}\n{Tls}";

    /// <summary>The request, or null with <paramref name="why"/> when the body breaks any rule.</summary>
    public static AuthRequest? Parse(string body, out string why)
    {
        why = "";
        if (body.Length > MaxBody) { why = $"body of {body.Length} chars"; return null; }
        string[] f = body.Split('\n');
        if (f.Length != 8) { why = $"{f.Length} fields, expected 8"; return null; }
        if (!LoginNames.IsValid(f[0])) { why = "bad user name"; return null; }
        if (!ValidPassword(f[1]))
        {
            why = "bad password field";
            return null;
        }
        if (f[2] is not ("A" or "I")) { why = "bad TYPE field"; return null; }
        if (f[3] is not ("0" or "1")) { why = "bad UTF8 field"; return null; }
        byte[] pending;
        try
        {
            pending = Convert.FromBase64String(f[4]);
        }
        catch (FormatException)
        {
            why = "bad pending field";
            return null;
        }
        if (pending.Length > MaxPending) { why = $"{pending.Length} pending bytes"; return null; }
        if (f[5] is not ("0" or "1") || f[6] is not ("0" or "1")) { why = "bad PBSZ/PROT field"; return null; }
        // Relayed, not parsed: the session worker parses it once it runs as the user.
        if (!TlsResume.LooksOpaque(f[7])) { why = "bad TLS field"; return null; }
        return new AuthRequest(f[0], f[1], f[2][0], f[3] == "1", pending, f[5] == "1", f[6] == "1", f[7]);
    }
}
