// The master's answer to an AUTH (AUTHRESULT): the login verdict as a typed record, formatted and parsed strictly.
namespace FtpFork.Common.Ipc;

public enum AuthVerdict
{
    /// <summary>"OK": the session moved to a new worker with the user's identity; the pre-login worker exits without a word.</summary>
    Moved,
    /// <summary>"HERE": an anonymous login that stays in this pre-login worker (anon_single_process).</summary>
    Here,
    /// <summary>"FAIL": refused; the client gets 530 and may try again.</summary>
    Refused,
    /// <summary>"OOPS\nreason": the login cannot go on; the client gets "500 OOPS: reason" and the session ends.</summary>
    Oops,
}

/// <summary>
/// A login verdict. Body: exactly "OK", "HERE", "FAIL", or "OOPS" then a line with a non-empty
/// reason of printable characters (no CR, LF or other control character). Anything else is malformed.
/// </summary>
public sealed record AuthResult
{
    public AuthVerdict Verdict { get; }
    /// <summary>The OOPS reason; "" for the other verdicts.</summary>
    public string Reason { get; }

    private AuthResult(AuthVerdict verdict, string reason)
    {
        Verdict = verdict;
        Reason = reason;
    }

    public static readonly AuthResult Moved = new(AuthVerdict.Moved, "");
    public static readonly AuthResult Here = new(AuthVerdict.Here, "");
    public static readonly AuthResult Refused = new(AuthVerdict.Refused, "");

    /// <summary>An OOPS; control characters in <paramref name="reason"/> become spaces, so the reply it ends up in is one line.</summary>
    public static AuthResult Oops(string reason)
    {
        var clean = string.Create(reason.Length, reason, (span, r) =>
        {
            for (int i = 0; i < r.Length; i++) span[i] = char.IsControl(r[i]) ? ' ' : r[i];
        });
        return new AuthResult(AuthVerdict.Oops, clean.Length == 0 ? "?" : clean);
    }

    public string Format() => Verdict switch
    {
        AuthVerdict.Moved => "OK",
        AuthVerdict.Here => "HERE",
        AuthVerdict.Refused => "FAIL",
        _ => "OOPS\n" + Reason,
    };

    /// <summary>The verdict, or null with <paramref name="why"/> when the body is not exactly one of the four forms.</summary>
    public static AuthResult? Parse(string body, out string why)
    {
        why = "";
        switch (body)
        {
            case "OK": return Moved;
            case "HERE": return Here;
            case "FAIL": return Refused;
        }
        if (!body.StartsWith("OOPS\n", StringComparison.Ordinal)) { why = "not OK, HERE, FAIL or OOPS"; return null; }
        string reason = body[5..];
        if (reason.Length == 0) { why = "OOPS without a reason"; return null; }
        foreach (char ch in reason)
            if (char.IsControl(ch)) { why = "control character in the OOPS reason"; return null; }
        return new AuthResult(AuthVerdict.Oops, reason);
    }
}
