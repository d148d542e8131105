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
}
