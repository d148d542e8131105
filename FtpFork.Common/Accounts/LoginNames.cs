// The rules for the name a client logs in with: which names are valid, which mean anonymous (worker and master ask here).
namespace FtpFork.Common.Accounts;

public static class LoginNames
{
    /// <summary>The longest name accepted at USER and in an AUTH request.</summary>
    public const int MaxLength = 32;

    /// <summary>A user name: 1-32 ASCII letters, digits, . _ - @, not starting with '-' or '.' (no "..").</summary>
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > MaxLength || name[0] is '-' or '.') return false;
        foreach (char ch in name)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' or '@')) return false;
        return true;
    }

    /// <summary>"anonymous" or "ftp", in any case: an anonymous login (as vsftpd).</summary>
    public static bool IsAnonymous(string name) =>
        name.Equals("anonymous", StringComparison.OrdinalIgnoreCase) || name.Equals("ftp", StringComparison.OrdinalIgnoreCase);
}
