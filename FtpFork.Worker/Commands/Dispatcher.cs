// The one checkpoint every command line passes: 500/501/503/530/550 are answered here, then the handler runs.
namespace FtpFork.Worker;

public static class Dispatcher
{
    /// <summary>Answers one line: refused here, or run by its handler.</summary>
    public static void Dispatch(Session s, CommandLine line)
    {
        switch (line.Status)
        {
            case LineStatus.TooLong:
                s.Control.Reply(ReplyCodes.SyntaxError, "Command line too long.");
                return;
            case LineStatus.HasNul:
                s.Control.Reply(ReplyCodes.SyntaxError, "Command line contains a NUL byte.");
                return;
            case LineStatus.BadUtf8:
                s.Control.Reply(ReplyCodes.SyntaxError, "Command line is not valid UTF-8.");
                return;
        }
        string text = line.Text;
        int sp = text.IndexOf(' ');
        string verb = (sp < 0 ? text : text[..sp]).Trim().ToUpperInvariant();
        string arg = sp < 0 ? "" : text[(sp + 1)..];
        if (verb.Length == 0)
        {
            s.Control.Reply(ReplyCodes.SyntaxError, "Unknown command.");
            return;
        }
        var spec = CommandTable.Find(verb);
        if (spec == null || !spec.AvailableWith(s.Config))
        {
            s.Control.Reply(ReplyCodes.SyntaxError, "Unknown command.");
            return;
        }
        if (spec.NeedsLogin && !s.LoggedIn)
        {
            s.Control.Reply(ReplyCodes.NotLoggedIn, "Please login with USER and PASS.");
            return;
        }
        if (!CommandAllowed(s, spec))
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Permission denied.");
            return;
        }
        if (spec.Arg == Arg.Required && arg.Length == 0)
        {
            s.Control.Reply(ReplyCodes.BadArguments, $"{spec.Name} needs an argument.");
            return;
        }
        if (spec.Arg == Arg.None && arg.Trim().Length != 0)
        {
            s.Control.Reply(ReplyCodes.BadArguments, $"{spec.Name} takes no argument.");
            return;
        }
        switch (spec.Sequence)
        {
            case Sequence.AfterUser when s.PendingUser == null:
                s.Control.Reply(ReplyCodes.BadSequence, "Login with USER first.");
                return;
            case Sequence.AfterRnfr when s.RenameFrom == null:
                s.Control.Reply(ReplyCodes.BadSequence, "RNFR required first.");
                return;
            case Sequence.BeforeTls when s.Control.IsSecure:
                s.Control.Reply(ReplyCodes.BadSequence, "Already using TLS.");
                return;
            case Sequence.BeforeTls when s.LoggedIn:
                s.Control.Reply(ReplyCodes.BadSequence, "AUTH must come before the login.");
                return;
            case Sequence.AfterTls or Sequence.AfterPbsz when !s.Control.IsSecure:
                s.Control.Reply(ReplyCodes.BadSequence, $"{spec.Name} needs a secure connection.");
                return;
            case Sequence.AfterPbsz when !s.PbszDone:
                s.Control.Reply(ReplyCodes.BadSequence, "PBSZ required first.");
                return;
        }
        if (!Permissions.Allows(s, spec.Perm))
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Permission denied.");
            return;
        }
        spec.Run(s, arg);
    }

    /// <summary>cmds_allowed / cmds_denied, as vsftpd: comma-separated verbs.</summary>
    private static bool CommandAllowed(Session s, CommandSpec spec)
    {
        static bool Listed(string list, string verb)
        {
            foreach (var v in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (v.Equals(verb, StringComparison.OrdinalIgnoreCase)) return true;
            return false;
        }
        if (s.Config.CmdsAllowed != "" && !Listed(s.Config.CmdsAllowed, spec.Name)) return false;
        if (s.Config.CmdsDenied != "" && Listed(s.Config.CmdsDenied, spec.Name)) return false;
        return true;
    }
}
