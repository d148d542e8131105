// Where the session's file view lives until login sets it.
namespace FtpFork.Worker;

public sealed partial class Session
{
    private FileSystemView? _files;

    /// <summary>The logged-in user's files; only post-login commands touch it.</summary>
    public FileSystemView Files
    {
        get => _files ?? throw new InvalidOperationException("no file view before login");
        set => _files = value;
    }
}
