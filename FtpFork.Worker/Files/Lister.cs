// Gathers what a LIST/NLST/STAT/MLSD names: `ls`-style flags, a path or glob, dot files, sorting and -R recursion.
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

/// <summary>A parsed LIST/NLST argument: flags (-a -d -r -t -R; -l and others accepted and ignored) and a path.</summary>
public sealed record ListRequest(string Path, bool All = false, bool DirOnly = false, bool Reverse = false, bool ByTime = false, bool Recursive = false, bool Long = false)
{
    /// <summary>
    /// Leading option words ("-la", "-a -R"; "--" ends them) are flags, each followed by one space;
    /// the rest is the name exactly as sent, spaces kept (vsftpd keeps them too: "LIST  x" lists " x").
    /// </summary>
    public static ListRequest Parse(string arg)
    {
        string flags = "";
        int at = 0;
        while (at < arg.Length && arg[at] == '-')
        {
            int sp = arg.IndexOf(' ', at);
            string word = sp < 0 ? arg[at..] : arg[at..sp];
            flags += word;
            at = sp < 0 ? arg.Length : sp + 1;
            if (word == "--") break;
        }
        return new ListRequest(arg[at..], All: flags.Contains('a'), DirOnly: flags.Contains('d'),
            Reverse: flags.Contains('r'), ByTime: flags.Contains('t'), Recursive: flags.Contains('R'), Long: flags.Contains('l'));
    }
}

/// <summary>
/// One directory's entries; Header is "path" for -R listings (null otherwise); Prefix is the
/// directory as the client named it, which NLST puts before each name (null: names alone).
/// </summary>
public sealed record ListGroup(string? Header, IReadOnlyList<FileEntry> Entries, string? Prefix = null);

public static class Lister
{
    /// <summary>Subdirectory levels -R descends at most (symlinks are never followed by -R).</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// The groups to list for a request: a directory's entries; a single file; a glob's matches in
    /// its directory; nothing for a missing path or one outside the root (vsftpd sends an empty
    /// listing then). <paramref name="showDots"/> is -a or force_dot_files; -a adds "." and "..".
    /// </summary>
    public static List<ListGroup> Collect(FileSystemView view, ListRequest r, bool forceDotFiles, bool allowRecurse)
    {
        string target = r.Path.Length == 0 ? "." : r.Path;
        bool dots = r.All || forceDotFiles;
        var groups = new List<ListGroup>();
        var p = view.Resolve(target);
        if (p is { IsDirectory: true } && !r.DirOnly)
        {
            bool recurse = r.Recursive && allowRecurse;
            string named = r.Path.Length == 0 ? "." : r.Path;
            AddDirectory(groups, p.Real, named, recurse, r, dots, r.All ? view.RealRoot : null, 0, view.HidePattern);
            return groups;
        }
        if (p is { Exists: true })
        {
            var self = view.Resolve(target, LastLink.NoFollow);
            if (self?.Stat is { } st)
                groups.Add(new ListGroup(null, new[] { Entry(r.Path.Length == 0 ? "." : r.Path, self.Real, st) }));
            return groups;
        }
        int slash = target.LastIndexOf('/');
        string pattern = target[(slash + 1)..];
        if (!ListFormat.HasGlob(pattern)) return groups;
        string dir = slash < 0 ? "." : slash == 0 ? "/" : target[..slash];
        var d = view.ResolveDirectory(dir);
        if (d == null) return groups;
        var entries = ReadDirectory(d.Real, dots, null, view.HidePattern);
        entries.RemoveAll(e => !ListFormat.GlobMatch(pattern, e.Name));
        groups.Add(new ListGroup(null, Sort(entries, r), slash < 0 ? null : slash == 0 ? "/" : target[..slash]));
        return groups;
    }

    /// <summary>A directory's group, named as the client named it; with -R its subdirectories' groups after it.</summary>
    private static void AddDirectory(List<ListGroup> groups, string real, string named, bool recurse, ListRequest r, bool dots, string? selfAndParent, int depth, string hide)
    {
        var entries = Sort(ReadDirectory(real, dots, selfAndParent, hide), r);
        groups.Add(new ListGroup(recurse ? named : null, entries, named));
        if (!recurse || depth >= MaxDepth) return;
        foreach (var e in entries)
        {
            if (!e.Stat.IsDirectory || e.Name is "." or "..") continue;
            AddDirectory(groups, Path.Combine(real, e.Name), PathOf(named, e.Name), recurse, r, dots, selfAndParent, depth + 1, hide);
        }
    }

    /// <summary>"dir" + "x" → "dir/x" ("dir/" + "x" → "dir/x"): a name under a directory as the client named it.</summary>
    private static string PathOf(string dir, string name) => dir.EndsWith('/') ? dir + name : dir + "/" + name;

    /// <summary>
    /// The entries of one directory (lstat each; unreadable ones skipped; hide_file's names left out); dot files only when asked;
    /// "." and ".." when <paramref name="realRoot"/> is given (".." of the root is the root itself).
    /// </summary>
    public static List<FileEntry> ReadDirectory(string real, bool dots, string? realRoot, string hide = "")
    {
        var list = new List<FileEntry>();
        if (realRoot != null)
        {
            string parent = real == realRoot ? real : Path.GetDirectoryName(real) ?? real;
            if (PathCalls.LStat(real) is { } me) list.Add(new FileEntry(".", me));
            if (PathCalls.LStat(parent) is { } up) list.Add(new FileEntry("..", up));
        }
        var names = new List<string>();
        try
        {
            var opts = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
            foreach (var entry in Directory.EnumerateFileSystemEntries(real, "*", opts))
                if (Path.GetFileName(entry) is { } n) names.Add(n);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return list;
        }
        foreach (var name in names)
        {
            if (!dots && name.StartsWith('.')) continue;
            if (hide != "" && ListFormat.GlobMatch(hide, name)) continue; // hide_file
            string path = Path.Combine(real, name);
            if (PathCalls.LStat(path) is { } st) list.Add(Entry(name, path, st));
        }
        return list;
    }

    private static FileEntry Entry(string name, string real, FileStat st) =>
        new(name, st, st.IsSymlink ? PathCalls.ReadLink(real) : null);

    /// <summary>By name (byte order, as vsftpd), or newest first with -t; -r reverses.</summary>
    public static List<FileEntry> Sort(List<FileEntry> entries, ListRequest r)
    {
        // A stable sort (ties keep their order): the original position is the last key.
        var order = new int[entries.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        bool byTime = r.ByTime;
        Array.Sort(order, (a, b) =>
        {
            FileEntry x = entries[a], y = entries[b];
            int c = byTime ? y.Stat.MtimeSec.CompareTo(x.Stat.MtimeSec) : 0;
            if (c == 0) c = string.CompareOrdinal(x.Name, y.Name);
            return c != 0 ? c : a.CompareTo(b);
        });
        var sorted = new List<FileEntry>(order.Length);
        foreach (int i in order) sorted.Add(entries[i]);
        if (r.Reverse) sorted.Reverse();
        return sorted;
    }

    /// <summary>The `ls -l` text of the groups (a "header:" line and a blank line between groups for -R).</summary>
    public static string LongText(IReadOnlyList<ListGroup> groups, ListStyle style, long nowSec)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var line in LongLines(groups, style, nowSec)) sb.Append(line).Append("\r\n");
        return sb.ToString();
    }

    /// <summary>LongText's lines, each without its CRLF (STAT sends them as reply lines; a name may hold a CR or LF of its own).</summary>
    public static List<string> LongLines(IReadOnlyList<ListGroup> groups, ListStyle style, long nowSec)
    {
        var lines = new List<string>();
        for (int i = 0; i < groups.Count; i++)
        {
            if (groups[i].Header != null)
            {
                if (i > 0) lines.Add("");
                lines.Add(groups[i].Header + ":");
            }
            foreach (var e in groups[i].Entries) lines.Add(ListFormat.LsLine(e, style, nowSec)[..^2]);
        }
        return lines;
    }

    /// <summary>
    /// NLST's text: one name per line, each usable as a path as the argument gave it (vsftpd:
    /// "NLST dir" → "dir/a.txt"; the working directory's names alone); -R listings keep their headers.
    /// </summary>
    public static string NamesText(IReadOnlyList<ListGroup> groups)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < groups.Count; i++)
        {
            if (groups[i].Header != null)
            {
                if (i > 0) sb.Append("\r\n");
                sb.Append(groups[i].Header).Append(":\r\n");
            }
            string? prefix = groups[i].Prefix is "" or "." ? null : groups[i].Prefix;
            foreach (var e in groups[i].Entries) sb.Append(prefix == null ? e.Name : PathOf(prefix, e.Name)).Append("\r\n");
        }
        return sb.ToString();
    }
}
