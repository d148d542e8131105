// xferlog_file: one line per transfer in vsftpd's own log format, one append-only write(2) each.
using System.Globalization;
using System.Text;
using FtpFork.Common.Interop;
using FtpFork.Common.Text;

namespace FtpFork.Worker;

public static class Xferlog
{
    /// <summary>
    /// "Wed Nov 25 16:50:00 2026 [pid 42] [ftp] OK DOWNLOAD: Client "127.0.0.1", "/pub/a.txt", 5 bytes, 0.12Kbyte/sec",
    /// as vsftpd writes with xferlog_std_format=NO (anonymous sessions appear as "ftp").
    /// </summary>
    public static string Line(string stamp, int pid, string user, bool upload, bool ok, string ip, string path, long bytes, long ms)
    {
        double kbps = bytes / 1024.0 / Math.Max(ms, 1) * 1000.0;
        string clean = LogText.Escape(path).Replace("\"", "\\\""); // no control character, no unquoted quote
        return string.Create(CultureInfo.InvariantCulture,
            $"{stamp} [pid {pid}] [{LogText.Escape(user)}] {(ok ? "OK" : "FAIL")} {(upload ? "UPLOAD" : "DOWNLOAD")}: Client \"{ip}\", \"{clean}\", {bytes} bytes, {kbps:0.00}Kbyte/sec\n");
    }

    public static void Write(Session s, bool upload, bool ok, string path, long bytes, long ms)
    {
        string user = s.IsAnonymous ? "ftp" : s.User ?? "?";
        byte[] b = Encoding.UTF8.GetBytes(Line(LocalClock.Ctime(), Posix.GetPid(), user, upload, ok, s.ClientIp, path, bytes, ms));
        try
        {
            FdIo.Write(s.XferlogFd, b); // O_APPEND: lines of concurrent workers never interleave
        }
        catch (PosixException e)
        {
            s.Log($"xferlog_file: {e.Message}"); // a full disk must not end the session
        }
    }
}
