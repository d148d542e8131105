// Directory commands: CWD/XCWD, CDUP/XCUP, MKD/XMKD, RMD/XRMD, with vsftpd 3.0's replies.
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public static class DirCommands
{
    public static void Cwd(Session s, string arg)
    {
        var p = s.Files.ResolveDirectory(arg);
        if (p == null || !PathCalls.Access(p.Real, 1))
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Failed to change directory.");
            return;
        }
        s.Files.Cwd = p.Virtual;
        DirMessage.Reply(s, ReplyCodes.FileActionOk, "Directory successfully changed.");
    }

    public static void Cdup(Session s, string arg) => Cwd(s, "..");

    public static void Mkd(Session s, string arg)
    {
        s.Activity.Begin(LogKind.Mkdir, s.Files.LogPath(arg));
        var p = s.Files.Resolve(arg, LastLink.NoFollow);
        if (s.Files.Normalize(arg) is null or "/")
        {
            s.Control.Reply(ReplyCodes.BadFileName, "Create directory operation failed.");
            return;
        }
        if (p == null || p.Exists)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Create directory operation failed.");
            return;
        }
        try
        {
            PathCalls.Mkdir(p.Real, 0x1FF); // 0777 less the session's umask, as vsftpd
        }
        catch (PosixException)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Create directory operation failed.");
            return;
        }
        s.Control.Reply(ReplyCodes.PathCreated, $"{Quote(p.Virtual)} created");
        s.Activity.End(ok: true);
    }

    public static void Rmd(Session s, string arg)
    {
        s.Activity.Begin(LogKind.Rmdir, s.Files.LogPath(arg));
        var p = s.Files.Resolve(arg, LastLink.NoFollow);
        if (FileAction.Run(s, p is { IsDirectory: true } && p.Virtual != "/", () => PathCalls.Rmdir(p!.Real),
            "Remove directory operation successful.", "Remove directory operation failed.")) s.Activity.End(ok: true);
    }

    /// <summary>A path in a 257 reply: in double quotes, inner quotes doubled (RFC 959).</summary>
    public static string Quote(string path) => "\"" + path.Replace("\"", "\"\"") + "\"";
}
