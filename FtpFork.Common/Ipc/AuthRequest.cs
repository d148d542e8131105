// The one request a pre-login worker may send the master: AUTH user/password plus the session state, parsed strictly.
using System.Text;
using FtpFork.Common.Accounts;

namespace FtpFork.Common.Ipc;

/// <summary>
/// A login attempt. Body, exactly five lines: user, password, TYPE (A or I), UTF8 (0 or 1), and the
/// client bytes the worker had read but not yet processed (base64). The control connection rides
/// along as the fd. Anything else is malformed and ends the sending worker.
/// </summary>
public sealed record AuthRequest(string User, string Password, char Type, bool Utf8, byte[] Pending)
{
    public const int MaxPassword = 1024;
    public const int MaxPending = 8192;
    public const int MaxBody = 16 * 1024;

    /// <summary>A password the request can carry: at most 1024 UTF-8 bytes, no NUL, LF or U+FFFD (a decoding scar).</summary>
    public static bool ValidPassword(string password) =>
        Encoding.UTF8.GetByteCount(password) <= MaxPassword && password.IndexOfAny(new[] { '\0', '\n', '\uFFFD' }) < 0;

    public string Format() =>
        $"{User}\n{Password}\n{Type}\n{(Utf8 ? '1' : '0')}\n{Convert.ToBase64String(Pending)}";

    /// <summary>The request, or null with <paramref name="why"/> when the body breaks any rule.</summary>
    public static AuthRequest? Parse(string body, out string why)
    {
        why = "";
        if (body.Length > MaxBody) { why = $"body of {body.Length} chars"; return null; }
        string[] f = body.Split('\n');
        if (f.Length != 5) { why = $"{f.Length} fields, expected 5"; return null; }
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
        return new AuthRequest(f[0], f[1], f[2][0], f[3] == "1", pending);
    }
}
