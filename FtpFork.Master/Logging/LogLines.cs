// The log line formats, as vsftpd 3.0 writes them: its own (vsftpd_log_file, syslog) and the wu-ftpd xferlog (xferlog_std_format).
using System.Globalization;
using System.Text;
using FtpFork.Common.Text;

namespace FtpFork.Master;

/// <summary>What one vsftpd-format line says; <see cref="Ok"/> null for the words without OK/FAIL (CONNECT, FTP command/response).</summary>
public readonly record struct LogEvent(string Word, bool? Ok, string? User, string Ip, string Text, long Bytes = 0, long? Micros = null, string? AnonPassword = null);

public static class LogLines
{
    /// <summary>
    /// vsf_log_do_log_vsftpd_format: "[user] OK DOWNLOAD: Client "ip", "/path", N bytes, R.RRKbyte/sec",
    /// after "date [pid N] " in a file (<paramref name="prefix"/>), or alone for syslog (its header has both).
    /// Escaped (LogText: control characters as \xHH, where vsftpd writes '?') and without the line end.
    /// </summary>
    public static string Vsftpd(string prefix, LogEvent e)
    {
        var sb = new StringBuilder(prefix);
        if (!string.IsNullOrEmpty(e.User)) sb.Append('[').Append(e.User).Append("] ");
        if (e.Ok != null) sb.Append(e.Ok.Value ? "OK " : "FAIL ");
        sb.Append(e.Word).Append(": Client \"").Append(e.Ip).Append('"');
        if (e.Word == "LOGIN" && !string.IsNullOrEmpty(e.AnonPassword)) sb.Append(", anon password \"").Append(e.AnonPassword).Append('"');
        if (e.Text != "") sb.Append(", \"").Append(e.Text).Append('"');
        if (e.Word is not ("FTP command" or "FTP response"))
        {
            if (e.Bytes != 0) sb.Append(", ").Append(e.Bytes.ToString(CultureInfo.InvariantCulture)).Append(" bytes");
            if (e.Micros is long us) sb.Append(", ").Append(KbytePerSec(e.Bytes, us)).Append("Kbyte/sec");
        }
        return LogText.Escape(sb.ToString());
    }

    /// <summary>The file form's prefix: "Wed Dec  2 17:39:20 2026 [pid 31554] ".</summary>
    public static string FilePrefix(string ctime, int pid) => $"{ctime} [pid {pid}] ";

    /// <summary>vsftpd's rate: bytes over the transfer's seconds (0.1 when it took no time), in KiB/s, "%.2f".</summary>
    public static string KbytePerSec(long bytes, long micros)
    {
        double seconds = micros / 1_000_000.0;
        if (seconds <= 0) seconds = 0.1;
        return (bytes / seconds / 1024).ToString("0.00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// vsf_log_do_log_wuftpd_format: "date secs ip bytes name a|b _ i|o a|g|r who ftp 0 * c|i", the
    /// name with spaces as '_' (and, unlike vsftpd, the anonymous password too: a space there would
    /// shift every field after it).
    /// </summary>
    public static string Xferlog(string ctime, long micros, string ip, long bytes, string path, bool ascii, bool upload,
        char access, string who, bool ok)
    {
        long secs = Math.Max(1, (micros + 500_000) / 1_000_000);
        return LogText.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{ctime} {secs} {ip} {bytes} {path.Replace(' ', '_')} {(ascii ? 'a' : 'b')} _ {(upload ? 'i' : 'o')} {access} {who.Replace(' ', '_')} ftp 0 * {(ok ? 'c' : 'i')}"));
    }

    /// <summary>One syslog(3) datagram: "&lt;PRI&gt;Dec  2 17:43:12 ftpfork[pid]: line", facility FTP, info (warning when <paramref name="severe"/>).</summary>
    public static string Syslog(string stamp, int pid, string line, bool severe)
    {
        const int Ftp = 11 << 3, Info = 6, Warning = 4;
        return $"<{Ftp + (severe ? Warning : Info)}>{stamp} ftpfork[{pid}]: {line}";
    }
}
