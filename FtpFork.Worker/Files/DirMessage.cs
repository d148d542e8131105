// dirmessage_enable: a directory's message_file, shown the first time a session enters it (as vsftpd).
using System.Text;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public static class DirMessage
{
    public const int MaxBytes = 4000; // vsftpd's VSFTP_MAX_MSGFILE_SIZE

    /// <summary>
    /// The lines of message_file in the working directory, or null: the option is off, the file
    /// is missing, unreadable, empty or outside the root, or this directory's message was shown
    /// before in this session. The file is resolved like any client path (no escape, deny_file).
    /// </summary>
    public static List<string>? Take(Session s)
    {
        if (!s.Config.DirmessageEnable || s.Config.MessageFile == "" || s.Files == null) return null;
        if (!s.MessagesShown.Add(s.Files.Cwd)) return null;
        var p = s.Files.ResolveForRead(s.Config.MessageFile);
        if (p == null) return null;
        int? fd = FileIo.OpenRead(p.Real, out _);
        if (fd == null) return null;
        var buf = new byte[MaxBytes];
        int n = 0;
        try
        {
            long r;
            while (n < buf.Length && (r = RawIo.Read(fd.Value, buf.AsSpan(n))) > 0) n += (int)r;
        }
        catch (PosixException)
        {
            return null;
        }
        finally
        {
            Posix.Close(fd.Value);
        }
        string text = Encoding.UTF8.GetString(buf, 0, n).Replace("\r", "");
        if (text.EndsWith('\n')) text = text[..^1];
        return text.Length == 0 ? null : new List<string>(text.Split('\n'));
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
        var rest = new List<string>();
        for (int i = 1; i < lines.Count; i++) rest.Add($"{code}-{lines[i]}");
        s.Control.ReplyMulti(code, lines[0], rest, text);
    }
}
