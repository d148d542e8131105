// The session's view of its files: a real root directory, the client's virtual working directory, and the one path resolver.
using System.Text;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

/// <summary>Whether the last component of a path is followed when it is a symlink.</summary>
public enum LastLink { Follow, NoFollow }

public sealed class FileSystemView
{
    /// <summary>Longest path argument accepted (bytes of UTF-8), as PATH_MAX.</summary>
    public const int MaxPathBytes = 4096;
    /// <summary>Longest single name (bytes of UTF-8), as NAME_MAX.</summary>
    public const int MaxNameBytes = 255;
    /// <summary>Symlinks followed in one resolution before it is called a loop (as Linux's ELOOP).</summary>
    public const int MaxLinkHops = 40;

    /// <summary>The real directory the client sees as "/" ("/" itself once chrooted).</summary>
    public string Root { get; }

    /// <summary>Root with every symlink in it resolved: the prefix every real path starts with.</summary>
    public string RealRoot { get; }

    /// <summary>The virtual working directory, always absolute and normalized ("/", "/pub").</summary>
    public string Cwd { get; set; } = "/";

    /// <summary>deny_file: a path with any component matching it resolves to nothing (every command refuses it).</summary>
    public string DenyPattern { get; init; } = "";

    /// <summary>hide_file: names listings leave out.</summary>
    public string HidePattern { get; init; } = "";

    public FileSystemView(string root)
    {
        Root = Path.GetFullPath(root);
        RealRoot = PathCalls.RealPath(Root) ?? Root; // the administrator's root, its own links resolved (trusted)
    }

    /// <summary>
    /// Resolves a client's path argument (relative to Cwd, or absolute within the root) to its
    /// virtual and real forms; null when it would leave the root ("..", symlinks) or is invalid.
    /// Symlinks are followed, the last one too; the last component may not exist yet.
    /// </summary>
    public ResolvedPath? Resolve(string arg) => Resolve(arg, LastLink.Follow);

    /// <summary>
    /// As <see cref="Resolve(string)"/>; with <see cref="LastLink.NoFollow"/> a symlink as the last
    /// component is the result itself (DELE, RNFR, RNTO, MKD act on the link, never its target).
    /// </summary>
    public ResolvedPath? Resolve(string arg, LastLink last)
    {
        string? virt = Normalize(arg);
        if (virt == null || Denied(virt)) return null;
        string? real = MapToReal(virt, last, out FileStat? stat);
        return real == null ? null : new ResolvedPath(virt, real, stat);
    }

    /// <summary>
    /// deny_file on every component of a normalized virtual path: a denied directory hides what is
    /// in it too (vsftpd checks the argument and its last component only). MapToReal applies it
    /// to every component of the resolved path as well, so no symlink leads around it.
    /// </summary>
    public bool Denied(string virt)
    {
        if (DenyPattern == "") return false;
        foreach (var part in virt.Split('/', StringSplitOptions.RemoveEmptyEntries))
            if (DeniedName(part)) return true;
        return false;
    }

    private bool DeniedName(string name) => DenyPattern != "" && ListFormat.GlobMatch(DenyPattern, name);

    /// <summary>
    /// A path argument as vsftpd logs it (prepend_path_to_filename): as given when absolute, else
    /// after the working directory, not normalized.
    /// </summary>
    public string LogPath(string arg) => arg.StartsWith('/') ? arg : Cwd.EndsWith('/') ? Cwd + arg : Cwd + "/" + arg;

    /// <summary>An existing file or directory (symlinks followed); null when missing or outside.</summary>
    public ResolvedPath? ResolveExisting(string arg) => Resolve(arg) is { Exists: true } p ? p : null;

    /// <summary>An existing regular file to read (RETR, SIZE, MDTM); null when missing, not a file, or outside.</summary>
    public ResolvedPath? ResolveForRead(string arg) => Resolve(arg) is { IsFile: true } p ? p : null;

    /// <summary>An existing directory (CWD, LIST); null otherwise.</summary>
    public ResolvedPath? ResolveDirectory(string arg) => Resolve(arg) is { IsDirectory: true } p ? p : null;

    /// <summary>
    /// A path to create or overwrite (STOR, APPE, STOU, MKD): its parent exists and is a directory,
    /// it is not the root, and it is not a directory itself. A symlink as the last component is
    /// followed (its target must be inside the root too); open the result with O_NOFOLLOW.
    /// </summary>
    public ResolvedPath? ResolveForCreate(string arg, LastLink last = LastLink.Follow)
    {
        var p = Resolve(arg, last);
        if (p == null || p.Virtual == "/" || p.IsDirectory) return null;
        string? parent = Path.GetDirectoryName(p.Real);
        return parent != null && PathCalls.Stat(parent) is { IsDirectory: true } ? p : null;
    }

    /// <summary>Virtual path → normalized absolute virtual path ("." and ".." applied, ".." clamped at "/"); null when invalid.</summary>
    public string? Normalize(string arg)
    {
        if (arg.Contains('\0') || Encoding.UTF8.GetByteCount(arg) > MaxPathBytes) return null;
        var parts = new List<string>();
        if (!arg.StartsWith('/'))
            parts.AddRange(Cwd.Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var part in arg.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            if (Encoding.UTF8.GetByteCount(part) > MaxNameBytes) return null;
            parts.Add(part);
        }
        string v = "/" + string.Join('/', parts);
        return Encoding.UTF8.GetByteCount(v) > MaxPathBytes ? null : v;
    }

    /// <summary>
    /// Walks the virtual components from RealRoot one at a time with lstat; a symlink's target is
    /// spliced in (relative: from the link's directory; absolute: only when it names a path under
    /// RealRoot) and must never step above RealRoot. Returns the real path with no symlink left in
    /// it (except a NoFollow last component), or null on an escape, a loop, a missing directory, or
    /// a component deny_file matches.
    /// </summary>
    private string? MapToReal(string virt, LastLink last, out FileStat? stat)
    {
        stat = null;
        FileStat st;
        var pending = new LinkedList<string>(virt.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var real = new List<string>(); // components below RealRoot, each an existing non-link (but the last)
        int hops = 0;
        while (pending.Count > 0)
        {
            string name = pending.First!.Value;
            pending.RemoveFirst();
            if (name == ".") continue;
            if (name == "..")
            {
                if (real.Count == 0) return null; // a link's ".." would climb out of the root
                real.RemoveAt(real.Count - 1);
                continue;
            }
            string candidate = Join(real, name);
            bool isLast = pending.Count == 0;
            var found = PathCalls.TryLStat(candidate, out st);
            if (found != LStatResult.Ok)
            {
                if (!isLast || found != LStatResult.Missing || DeniedName(name)) return null;
                real.Add(name);
                stat = null; // the last component does not exist yet
                return candidate;
            }
            if (st.IsSymlink && !(isLast && last == LastLink.NoFollow))
            {
                if (++hops > MaxLinkHops) return null;
                string? target = PathCalls.ReadLink(candidate);
                if (string.IsNullOrEmpty(target) || target.Contains('\0')) return null;
                string[] spliced;
                if (target.StartsWith('/'))
                {
                    string? below = BelowRoot(target);
                    if (below == null) return null; // an absolute link out of the root
                    real.Clear();
                    spliced = below.Split('/', StringSplitOptions.RemoveEmptyEntries);
                }
                else
                {
                    spliced = target.Split('/', StringSplitOptions.RemoveEmptyEntries);
                }
                for (int i = spliced.Length - 1; i >= 0; i--) pending.AddFirst(spliced[i]);
                continue;
            }
            if (!isLast && !st.IsDirectory) return null; // a file used as a directory
            if (DeniedName(name)) return null; // deny_file on the resolved path: links followed
            real.Add(name);
        }
        string result = Join(real, null);
        stat = PathCalls.LStat(result);
        return stat == null ? null : result;
    }

    /// <summary>The part of an absolute real path below RealRoot ("" for RealRoot itself), or null when it is not under it.</summary>
    private string? BelowRoot(string absolute)
    {
        if (RealRoot == "/") return absolute;
        if (absolute == RealRoot || absolute == RealRoot + "/") return "";
        return absolute.StartsWith(RealRoot + "/", StringComparison.Ordinal) ? absolute[RealRoot.Length..] : null;
    }

    private string Join(List<string> parts, string? extra)
    {
        var sb = new StringBuilder(RealRoot == "/" ? "" : RealRoot);
        foreach (var p in parts) sb.Append('/').Append(p);
        if (extra != null) sb.Append('/').Append(extra);
        return sb.Length == 0 ? "/" : sb.ToString();
    }
}

/// <summary>A client path: as the client sees it, where it really is on disk, and its lstat (null when it does not exist).</summary>
public sealed record ResolvedPath(string Virtual, string Real, FileStat? Stat = null)
{
    public bool Exists => Stat != null;
    public bool IsDirectory => Stat is { IsDirectory: true };
    public bool IsFile => Stat is { IsRegular: true };
    public bool IsSymlink => Stat is { IsSymlink: true };

    /// <summary>The last component of the virtual path ("" for "/").</summary>
    public string Name => Virtual == "/" ? "" : Virtual[(Virtual.LastIndexOf('/') + 1)..];
}
