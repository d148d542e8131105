// The session's view of its files: a real root directory and the client's virtual working directory.
namespace FtpFork.Worker;

public sealed class FileSystemView
{
    /// <summary>The real directory the client sees as "/" ("/" itself once chrooted).</summary>
    public string Root { get; }

    /// <summary>The virtual working directory, always absolute and normalized ("/", "/pub").</summary>
    public string Cwd { get; set; } = "/";

    public FileSystemView(string root)
    {
        Root = Path.GetFullPath(root);
    }

    /// <summary>
    /// Resolves a client's path argument (relative to Cwd, or absolute within the root) to its
    /// virtual and real forms; null when it would leave the root ("..", symlinks) or is invalid.
    /// </summary>
    public ResolvedPath? Resolve(string arg)
    {
        return null; // to be completed: path resolution
    }
}

/// <summary>A client path: as the client sees it, and where it really is on disk.</summary>
public sealed record ResolvedPath(string Virtual, string Real);
