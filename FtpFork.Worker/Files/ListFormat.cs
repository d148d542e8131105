// Pure listing text: `ls -l` lines as vsftpd prints them, RFC 3659 MLSx fact lines, and vsftpd's filename globs.
using System.Text;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

/// <summary>One directory entry as listings need it: its name, lstat and (for a symlink) its target.</summary>
public sealed record FileEntry(string Name, FileStat Stat, string? LinkTarget = null);

/// <summary>The settings that change how a listing looks.</summary>
public sealed record ListStyle(bool HideIds = false, bool UseLocaltime = false);

public static class ListFormat
{
    private static readonly string[] Months = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

    /// <summary>The MLST facts we know, in FEAT order.</summary>
    public static readonly string[] AllFacts = { "type", "size", "modify", "perm", "unix.mode", "unix.owner", "unix.group", "unique" };

    /// <summary>The facts selected before any OPTS MLST.</summary>
    public static readonly string[] DefaultFacts = { "type", "size", "modify", "perm", "unix.mode", "unix.owner", "unix.group" };

    /// <summary>FEAT's MLST line: every fact we know, those <paramref name="selected"/> marked with '*'.</summary>
    public static string MlstFeat(IReadOnlyList<string> selected)
    {
        var sb = new System.Text.StringBuilder("MLST ");
        foreach (var f in AllFacts)
        {
            sb.Append(f);
            for (int i = 0; i < selected.Count; i++)
                if (selected[i] == f) { sb.Append('*'); break; }
            sb.Append(';');
        }
        return sb.ToString();
    }

    /// <summary>"drwxr-xr-x" from st_mode, with s/S and t/T as ls prints them.</summary>
    public static string PermString(uint mode)
    {
        var c = new char[10];
        c[0] = (mode & FileStat.TypeMask) switch
        {
            FileStat.Directory => 'd',
            FileStat.Symlink => 'l',
            FileStat.Fifo => 'p',
            FileStat.Socket => 's',
            FileStat.Block => 'b',
            FileStat.Char => 'c',
            _ => '-',
        };
        const string rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) c[i + 1] = (mode & (1u << (8 - i))) != 0 ? rwx[i] : '-';
        if ((mode & 0x800) != 0) c[3] = c[3] == 'x' ? 's' : 'S';
        if ((mode & 0x400) != 0) c[6] = c[6] == 'x' ? 's' : 'S';
        if ((mode & 0x200) != 0) c[9] = c[9] == 'x' ? 't' : 'T';
        return new string(c);
    }

    /// <summary>vsftpd's date column: "%b %d %H:%M", or "%b %d  %Y" for the future or older than 182 days.</summary>
    public static string LsDate(long mtimeSec, long nowSec, bool localtime)
    {
        var t = ToTime(mtimeSec, localtime);
        string month = Months[t.Month - 1];
        if (mtimeSec > nowSec || nowSec - mtimeSec > 60L * 60 * 24 * 182)
            return $"{month} {t.Day:00}  {t.Year}";
        return $"{month} {t.Day:00} {t.Hour:00}:{t.Minute:00}";
    }

    private static DateTime ToTime(long sec, bool localtime)
    {
        var utc = DateTimeOffset.FromUnixTimeSeconds(sec);
        return localtime ? TimeZoneInfo.ConvertTime(utc, TimeZoneInfo.Local).DateTime : utc.UtcDateTime;
    }

    /// <summary>One `ls -l` line as vsftpd's build_dir_line, with CRLF.</summary>
    public static string LsLine(FileEntry e, ListStyle style, long nowSec)
    {
        var s = e.Stat;
        string owner = style.HideIds ? "ftp" : s.Uid.ToString();
        string group = style.HideIds ? "ftp" : s.Gid.ToString();
        var sb = new StringBuilder(80);
        sb.Append(PermString(s.Mode)).Append(' ');
        sb.Append(s.Links.ToString().PadLeft(4)).Append(' ');
        sb.Append(owner.PadRight(8)).Append(' ');
        sb.Append(group.PadRight(8)).Append(' ');
        sb.Append(s.Size.ToString().PadLeft(8)).Append(' ');
        sb.Append(LsDate(s.MtimeSec, nowSec, style.UseLocaltime)).Append(' ');
        sb.Append(e.Name);
        if (e.Stat.IsSymlink && e.LinkTarget != null) sb.Append(" -> ").Append(e.LinkTarget);
        return sb.Append("\r\n").ToString();
    }

    /// <summary>MDTM's and MLSx's time: YYYYMMDDHHMMSS (UTC unless localtime).</summary>
    public static string NumericTime(long mtimeSec, bool localtime = false) =>
        ToTime(mtimeSec, localtime).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The RFC 3659 facts of one entry ("type=file;size=3;...; ") followed by the name and CRLF.
    /// <paramref name="type"/> overrides the type fact (cdir/pdir); <paramref name="perm"/> is the perm fact's value.
    /// </summary>
    public static string MlsxLine(FileEntry e, IReadOnlyCollection<string> facts, string perm, ListStyle style, string? type = null)
    {
        var s = e.Stat;
        var sb = new StringBuilder(120);
        foreach (var f in AllFacts)
        {
            if (!Has(facts, f)) continue;
            switch (f)
            {
                case "type":
                    sb.Append("type=").Append(type ?? (s.IsDirectory ? "dir" : s.IsRegular ? "file" : s.IsSymlink ? "OS.unix=symlink" : "OS.unix=special")).Append(';');
                    break;
                case "size":
                    sb.Append("size=").Append(s.Size).Append(';');
                    break;
                case "modify":
                    sb.Append("modify=").Append(NumericTime(s.MtimeSec)).Append(';');
                    break;
                case "perm":
                    sb.Append("perm=").Append(perm).Append(';');
                    break;
                case "unix.mode":
                    sb.Append("unix.mode=0").Append(Convert.ToString(s.Perms, 8)).Append(';');
                    break;
                case "unix.owner":
                    sb.Append("unix.owner=").Append(style.HideIds ? "ftp" : s.Uid.ToString()).Append(';');
                    break;
                case "unix.group":
                    sb.Append("unix.group=").Append(style.HideIds ? "ftp" : s.Gid.ToString()).Append(';');
                    break;
                case "unique":
                    sb.Append("unique=").Append(Unique(s)).Append(';');
                    break;
            }
        }
        return sb.Append(' ').Append(e.Name).Append("\r\n").ToString();
    }

    private static bool Has(IReadOnlyCollection<string> facts, string f)
    {
        foreach (var x in facts)
            if (x == f) return true;
        return false;
    }

    /// <summary>RFC 3659's unique fact: the file's device and inode, which no other file shares ("801U1a2b", hex).</summary>
    public static string Unique(FileStat s) => $"{s.Dev:x}U{s.Ino:x}";

    /// <summary>True when a name has vsftpd's glob characters (* ? {).</summary>
    public static bool HasGlob(string s) => s.IndexOfAny(new[] { '*', '?', '{' }) >= 0;

    /// <summary>vsftpd's filename filter: * any run, ? one character, {a,b} alternatives; the rest literal.</summary>
    public static bool GlobMatch(string pattern, string name)
    {
        var alternatives = new List<string>();
        ExpandBraces(pattern, 0, alternatives);
        foreach (var p in alternatives)
            if (WildMatch(p, name)) return true;
        return false;
    }

    private const int MaxAlternatives = 256;

    /// <summary>{a,b}x → ax, bx into <paramref name="into"/> (at most 256 alternatives in all; an unclosed brace is literal).</summary>
    private static void ExpandBraces(string p, int depth, List<string> into)
    {
        int open = p.IndexOf('{');
        int close = open < 0 ? -1 : p.IndexOf('}', open);
        if (close < 0 || depth > 8)
        {
            if (into.Count < MaxAlternatives) into.Add(p);
            return;
        }
        string head = p[..open], rest = p[(close + 1)..];
        foreach (var alt in p[(open + 1)..close].Split(','))
        {
            if (into.Count >= MaxAlternatives) return;
            ExpandBraces(head + alt + rest, depth + 1, into);
        }
    }

    /// <summary>* and ? matching in O(pattern × name), with one backtrack point (no recursion).</summary>
    private static bool WildMatch(string p, string n)
    {
        int pi = 0, ni = 0, star = -1, mark = 0;
        while (ni < n.Length)
        {
            if (pi < p.Length && (p[pi] == '?' || (p[pi] != '*' && p[pi] == n[ni])))
            {
                pi++;
                ni++;
            }
            else if (pi < p.Length && p[pi] == '*')
            {
                star = pi++;
                mark = ni;
            }
            else if (star >= 0)
            {
                pi = star + 1;
                ni = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (pi < p.Length && p[pi] == '*') pi++;
        return pi == p.Length;
    }
}
