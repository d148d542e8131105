// dirmessage_enable: a directory's message_file, shown the first time a session enters it (as vsftpd).
using FtpFork.Common.Config;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public static class DirMessage
{
    public const int MaxBytes = BannerText.MaxBytes; // vsftpd's VSFTP_MAX_MSGFILE_SIZE, as banner_file

    /// <summary>
    /// The lines of message_file in the working directory, or null: the option is off, the file
    /// is missing, unreadable, empty or outside the root, or this directory's message was shown
    /// before in this session. The file is resolved like any client path (no escape, deny_file).
    /// </summary>
    public static string[]? Take(Session s)
    {
        if (!s.Config.DirmessageEnable || s.Config.MessageFile == "" || s.Files == null) return null;
        if (!s.MessagesShown.Add(s.Files.Cwd)) return null;
        var p = s.Files.ResolveForRead(s.Config.MessageFile);
        if (p == null) return null;
        int? fd = TransferFiles.OpenRead(p.Real, out _);
        if (fd == null) return null;
        byte[] data;
        try
        {
            data = FdIo.ReadUpTo(fd.Value, MaxBytes);
        }
        catch (PosixException)
        {
            return null;
        }
        finally
        {
            Posix.Close(fd.Value);
        }
        var lines = BannerText.Lines(data);
        return lines is [""] ? null : lines;
    }

    /// <summary>The reply: the message's lines as "code-line", then "code text".</summary>
    public static void Reply(Session s, int code, string text)
    {
        var lines = Take(s);
        if (lines == null)
        {
            s.Control.Reply(code, text);
            return;
        }
        s.Control.ReplyLines(code, lines, text);
    }
}
