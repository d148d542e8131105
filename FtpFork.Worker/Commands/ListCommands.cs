// Listings: LIST, NLST and MLSD over the data connection; MLST and STAT over the control connection.
using System.Text;
using FtpFork.Common.Config;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public static class ListCommands
{
    private static ListStyle Style(Session s) => new(s.Config.HideIds, s.Config.UseLocaltime);

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static List<ListGroup> Collect(Session s, string arg) =>
        Lister.Collect(s.Files, ListRequest.Parse(arg), s.Config.ForceDotFiles, s.Config.LsRecurseEnable);

    public static void List(Session s, string arg)
    {
        string text = Lister.LongText(Collect(s, arg), Style(s), Now);
        DataTransfer.SendBytes(s, "directory listing", Encoding.UTF8.GetBytes(text));
    }

    public static void Nlst(Session s, string arg)
    {
        var groups = Collect(s, arg);
        string text = ListRequest.Parse(arg).Long ? Lister.LongText(groups, Style(s), Now) : Lister.NamesText(groups);
        DataTransfer.SendBytes(s, "directory listing", Encoding.UTF8.GetBytes(text));
    }

    public static void Mlsd(Session s, string arg)
    {
        var dir = s.Files.Resolve(arg.Length == 0 ? "." : arg);
        if (dir is not { Exists: true })
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Could not open directory.");
            return;
        }
        if (!dir.IsDirectory)
        {
            s.Control.Reply(ReplyCodes.BadArguments, "Not a directory.");
            return;
        }
        var sb = new StringBuilder();
        var style = Style(s);
        string? parent = dir.Real == s.Files.RealRoot ? null : Path.GetDirectoryName(dir.Real);
        sb.Append(ListFormat.MlsxLine(new FileEntry(".", dir.Stat!.Value), s.MlstFacts,
            DownloadRules.PermFact(s, dir.Stat.Value, dir.Real, parent), style, "cdir"));
        foreach (var e in Lister.Sort(Lister.ReadDirectory(dir.Real, dots: true, realRoot: null, s.Files.HidePattern), new ListRequest("")))
        {
            string real = Path.Combine(dir.Real, e.Name);
            sb.Append(ListFormat.MlsxLine(e, s.MlstFacts, DownloadRules.PermFact(s, e.Stat, real, dir.Real), style));
        }
        DataTransfer.SendBytes(s, "directory listing", Encoding.UTF8.GetBytes(sb.ToString()));
    }

    public static void Mlst(Session s, string arg)
    {
        var p = s.Files.Resolve(arg.Length == 0 ? "." : arg);
        if (p is not { Exists: true })
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Could not get file status.");
            return;
        }
        string? parent = p.Real == s.Files.RealRoot ? null : Path.GetDirectoryName(p.Real);
        var st = p.Stat!.Value;
        string line = ListFormat.MlsxLine(new FileEntry(p.Virtual, st), s.MlstFacts,
            DownloadRules.PermFact(s, st, p.Real, parent), Style(s));
        s.Control.ReplyMulti(ReplyCodes.FileActionOk, "Listing " + p.Virtual, new[] { " " + line[..^2] }, "End"); // its own CRLF off
    }

    /// <summary>STAT: the session's status (211), or with an argument a LIST over the control connection (212 directory, 213 otherwise).</summary>
    public static void Stat(Session s, string arg)
    {
        if (arg.Trim().Length == 0)
        {
            var status = new List<string>();
            foreach (var l in StatusLines(s)) status.Add("     " + l);
            s.Control.ReplyMulti(ReplyCodes.SystemStatus, "FTP server status:", status, "End of status");
            return;
        }
        if (!Permissions.Allows(s, Perm.List))
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Permission denied.");
            return;
        }
        var r = ListRequest.Parse(arg);
        bool isDir = !r.DirOnly && s.Files.ResolveDirectory(r.Path.Length == 0 ? "." : r.Path) != null;
        // One line per entry, made apart: a name's own CR LF stays in its line (ReplyMulti escapes it).
        var lines = Lister.LongLines(Collect(s, arg), Style(s), Now);
        s.Control.ReplyMulti(isDir ? ReplyCodes.DirectoryStatus : ReplyCodes.FileStatus, "Status follows:", lines, "End of status");
    }

    private static IEnumerable<string> StatusLines(Session s)
    {
        yield return "Connected to " + s.ClientIp;
        yield return "Logged in as " + s.User;
        yield return "TYPE: " + (s.Type == TransferType.Image ? "BINARY" : "ASCII");
        int rate = s.IsAnonymous ? s.Config.AnonMaxRate : s.Config.LocalMaxRate;
        yield return rate == 0 ? "No session bandwidth limit" : $"Session bandwidth limit in byte/s is {rate}";
        yield return $"Session timeout in seconds is {s.Config.IdleSessionTimeout}";
        yield return s.Control.IsSecure ? "Control connection is encrypted" : "Control connection is plain text";
        yield return s.DataProtected ? "Data connections will be encrypted" : "Data connections will be plain text";
        if (s.ClientCountAtStart > 0) yield return $"At session startup, client count was {s.ClientCountAtStart}";
        yield return $"FtpFork {ConfigTable.Version} - secure, fast, stable";
    }
}
