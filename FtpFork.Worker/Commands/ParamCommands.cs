// Transfer parameters and small commands: TYPE, STRU, MODE, ALLO, ACCT, OPTS, SITE (CHMOD, UMASK, HELP).
using FtpFork.Common.Ipc;
using System.Text;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public static class ParamCommands
{
    /// <summary>TYPE A, A N, I, L 8 (and L8) as vsftpd; other valid types 504, anything else 501.</summary>
    public static void Type(Session s, string arg)
    {
        string a = string.Join(' ', arg.Trim().ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        switch (a)
        {
            case "I" or "L 8" or "L8":
                s.Type = TransferType.Image;
                s.Control.Reply(ReplyCodes.CommandOk, "Switching to Binary mode.");
                return;
            case "A" or "A N":
                s.Type = TransferType.Ascii;
                s.Control.Reply(ReplyCodes.CommandOk, "Switching to ASCII mode.");
                return;
        }
        bool known = a is "E" or "E N" or "A T" or "A C" or "E T" or "E C" ||
                     (a.StartsWith('L') && a[1..].Trim() is { Length: > 0 } n && !n.AsSpan().ContainsAnyExceptInRange('0', '9'));
        if (known)
            s.Control.Reply(ReplyCodes.BadParameter, "Unsupported TYPE.");
        else
            s.Control.Reply(ReplyCodes.BadArguments, "Unrecognised TYPE command.");
    }

    public static void Stru(Session s, string arg)
    {
        string a = arg.Trim().ToUpperInvariant();
        if (a == "F") s.Control.Reply(ReplyCodes.CommandOk, "Structure set to F.");
        else if (a is "R" or "P") s.Control.Reply(ReplyCodes.BadParameter, "Bad STRU command.");
        else s.Control.Reply(ReplyCodes.BadArguments, "Unrecognised STRU command.");
    }

    public static void Mode(Session s, string arg)
    {
        string a = arg.Trim().ToUpperInvariant();
        if (a == "S") s.Control.Reply(ReplyCodes.CommandOk, "Mode set to S.");
        else if (a is "B" or "C" or "Z") s.Control.Reply(ReplyCodes.BadParameter, "Bad MODE command.");
        else s.Control.Reply(ReplyCodes.BadArguments, "Unrecognised MODE command.");
    }

    public static void Allo(Session s, string arg) =>
        s.Control.Reply(ReplyCodes.CommandNotImplementedSuperfluous, "ALLO command ignored.");

    public static void Acct(Session s, string arg) =>
        s.Control.Reply(ReplyCodes.NotImplemented, "ACCT not implemented.");

    /// <summary>OPTS UTF8 ON (always on), OPTS MLST fact;fact; (RFC 3659 7.9), OPTS HASH [alg] (HashCommands); anything else 501.</summary>
    public static void Opts(Session s, string arg)
    {
        string a = arg.Trim();
        int sp = a.IndexOf(' ');
        string name = (sp < 0 ? a : a[..sp]).ToUpperInvariant();
        string value = sp < 0 ? "" : a[(sp + 1)..].Trim();
        if (name == "UTF8" && value.Equals("ON", StringComparison.OrdinalIgnoreCase))
        {
            s.Control.Reply(ReplyCodes.CommandOk, "Always in UTF8 mode.");
            return;
        }
        if (name == "MLST")
        {
            var wanted = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var chosen = new List<string>();
            var reply = new StringBuilder("MLST OPTS ");
            foreach (var f in ListFormat.AllFacts)
            {
                foreach (var w in wanted)
                {
                    if (!w.Equals(f, StringComparison.OrdinalIgnoreCase)) continue;
                    chosen.Add(f);
                    reply.Append(f).Append(';');
                    break;
                }
            }
            s.MlstFacts = chosen.ToArray();
            s.Control.Reply(ReplyCodes.CommandOk, reply.ToString());
            return;
        }
        if (name == "HASH" && s.LoggedIn)
        {
            HashCommands.Opts(s, value);
            return;
        }
        s.Control.Reply(ReplyCodes.BadArguments, "Option not understood.");
    }

    /// <summary>SITE CHMOD (chmod_enable and write rights), SITE UMASK, SITE HELP, as vsftpd.</summary>
    public static void Site(Session s, string arg)
    {
        string a = arg.Trim();
        int sp = a.IndexOf(' ');
        string cmd = (sp < 0 ? a : a[..sp]).ToUpperInvariant();
        string rest = sp < 0 ? "" : a[(sp + 1)..].Trim();
        bool chmodAllowed = s.Config.ChmodEnable && Permissions.Allows(s, Perm.Other);
        switch (cmd)
        {
            case "CHMOD" when !chmodAllowed:
                s.Control.Reply(ReplyCodes.FileNotFound, "Permission denied.");
                return;
            case "CHMOD":
                Chmod(s, rest);
                return;
            case "UTIME":
                TimeCommands.SiteUtime(s, rest);
                return;
            case "UMASK":
                Umask(s, rest);
                return;
            case "HELP":
                s.Control.Reply(ReplyCodes.HelpMessage, chmodAllowed ? "CHMOD UMASK HELP" : "UMASK HELP");
                return;
            default:
                s.Control.Reply(ReplyCodes.SyntaxError, "Unknown SITE command.");
                return;
        }
    }

    private static void Chmod(Session s, string rest)
    {
        int sp = rest.IndexOf(' ');
        if (sp < 0 || rest[(sp + 1)..].Length == 0)
        {
            s.Control.Reply(ReplyCodes.BadArguments, "SITE CHMOD needs 2 arguments.");
            return;
        }
        if (!TryOctal(rest[..sp], 0x1FF, out int mode))
        {
            s.Control.Reply(ReplyCodes.BadArguments, "SITE CHMOD bad mode.");
            return;
        }
        s.Activity.Begin(LogKind.Chmod, s.Files.LogPath(rest[(sp + 1)..]) + " " + rest[..sp]);
        var p = s.Files.ResolveExisting(rest[(sp + 1)..]);
        try
        {
            if (p == null) throw PosixException.NotFound("chmod");
            PathCalls.Chmod(p.Real, mode);
        }
        catch (PosixException)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "SITE CHMOD command failed.");
            return;
        }
        s.Control.Reply(ReplyCodes.CommandOk, "SITE CHMOD command ok.");
        s.Activity.End(ok: true);
    }

    private static void Umask(Session s, string rest)
    {
        if (rest.Length == 0)
        {
            s.Control.Reply(ReplyCodes.CommandOk, "Your current UMASK is 0" + Convert.ToString(Posix.GetUmask(), 8));
            return;
        }
        if (!TryOctal(rest, 0x1FF, out int mask))
        {
            s.Control.Reply(ReplyCodes.BadArguments, "SITE UMASK bad mask.");
            return;
        }
        Posix.Umask(mask);
        s.Control.Reply(ReplyCodes.CommandOk, "UMASK set to 0" + Convert.ToString(mask, 8));
    }

    /// <summary>1–4 octal digits, at most <paramref name="max"/> (permission bits only: no setuid, setgid or sticky).</summary>
    public static bool TryOctal(string text, int max, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 4 || text.AsSpan().ContainsAnyExceptInRange('0', '7')) return false;
        value = Convert.ToInt32(text, 8);
        return value <= max;
    }
}
