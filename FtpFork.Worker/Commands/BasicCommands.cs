// Commands with no file system or data connection: QUIT SYST NOOP FEAT HELP PWD.
using System.Text;

namespace FtpFork.Worker;

public static class BasicCommands
{
    public static void Quit(Session s, string arg)
    {
        s.Control.Reply(ReplyCodes.Goodbye, "Goodbye.");
        s.QuitRequested = true;
    }

    public static void Syst(Session s, string arg) => s.Control.Reply(ReplyCodes.SystemType, "UNIX Type: L8");

    public static void Noop(Session s, string arg) => s.Control.Reply(ReplyCodes.CommandOk, "NOOP ok.");

    /// <summary>FEAT from the table; the MLST line stars the facts this session has selected (RFC 3659 7.8).</summary>
    public static void Feat(Session s, string arg) =>
        s.Control.ReplyMulti(ReplyCodes.SystemStatus, "Features:", FeatLines(s), "End");

    private static List<string> FeatLines(Session s)
    {
        var lines = new List<string>();
        foreach (var f in CommandTable.Features(s.Config))
            lines.Add(" " + (f.StartsWith("MLST ", StringComparison.Ordinal) ? ListFormat.MlstFeat(s.MlstFacts)
                : f.StartsWith("HASH ", StringComparison.Ordinal) ? HashCommands.Feat(s.HashAlgorithm) : f));
        return lines;
    }

    public static void Help(Session s, string arg)
    {
        if (arg.Trim().Length > 0)
        {
            var spec = CommandTable.Find(arg.Trim());
            if (spec == null || !spec.AvailableWith(s.Config))
                s.Control.Reply(ReplyCodes.BadArguments, $"Unknown command {arg.Trim().ToUpperInvariant()}.");
            else
                s.Control.Reply(ReplyCodes.HelpMessage, $"Syntax: {spec.Name} {spec.Help}");
            return;
        }
        var lines = new List<string>();
        var row = new StringBuilder();
        int inRow = 0;
        foreach (var v in CommandTable.Verbs(s.Config))
        {
            row.Append(' ').Append(v.PadRight(4));
            if (++inRow < 14) continue;
            lines.Add(row.ToString());
            row.Clear();
            inRow = 0;
        }
        if (inRow > 0) lines.Add(row.ToString());
        s.Control.ReplyMulti(ReplyCodes.HelpMessage, "The following commands are recognized.", lines, "Help OK.");
    }

    public static void Pwd(Session s, string arg) =>
        s.Control.Reply(ReplyCodes.PathCreated, $"\"{s.Files.Cwd.Replace("\"", "\"\"")}\" is the current directory");
}
