// What is logged where (vsftpd's rules for xferlog_enable, xferlog_std_format, dual_log_enable, syslog_enable), from the master's own record of each session.
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

/// <summary>A log file that cannot be opened ("vsftpd_log_file: open /x: Permission denied").</summary>
public sealed class LogFileException(string message) : Exception(message);

/// <summary>Log files opened for a configuration (-1: not used), and where else its lines go.</summary>
public sealed record LogFiles(int VsftpdFd, int XferlogFd, bool Syslog, string FtpUsername)
{
    /// <summary>Closes them: a reload that failed after they were opened.</summary>
    public void Close()
    {
        Posix.Close(VsftpdFd);
        Posix.Close(XferlogFd);
    }
}

public sealed class ActivityLog
{
    private readonly LogWriter _writer;
    private readonly Action<string> _log;
    private bool _vsftpdFile, _xferlog, _syslog;
    private string _ftpUsername = "ftp";

    public ActivityLog(Action<string> log)
    {
        _log = log;
        _writer = new LogWriter(log);
    }

    /// <summary>Any destination for vsftpd-format lines (CONNECT, LOGIN, FTP command...): vsftpd_log_file or syslog.</summary>
    private bool VsftpdLines => _vsftpdFile || _syslog;

    /// <summary>
    /// Opens the files <paramref name="c"/> asks for (append, created 0600) and logs to them from
    /// now on, as vsftpd's vsf_log_init decides: with xferlog_enable or dual_log_enable, xferlog_file
    /// gets the wu-ftpd lines when xferlog_std_format or dual_log_enable, vsftpd_log_file vsftpd's
    /// lines otherwise or with dual_log_enable, unless syslog_enable sends those to syslog instead.
    /// Throws (nothing changed) when a file cannot be opened. Called at start and at each SIGHUP,
    /// so a log rotated away is opened anew.
    /// </summary>
    public void Configure(FtpConfig c) => Use(Open(c));

    /// <summary>The files <paramref name="c"/> asks for, opened (throws LogFileException, nothing left open); not used until Use.</summary>
    public static LogFiles Open(FtpConfig c)
    {
        bool files = c.XferlogEnable || c.DualLogEnable;
        bool xferlog = files && (c.DualLogEnable || c.XferlogStdFormat);
        bool vsftpdFile = files && (c.DualLogEnable || !c.XferlogStdFormat) && !c.SyslogEnable;
        int x = xferlog ? Open("xferlog_file", c.XferlogFile) : -1;
        try
        {
            return new LogFiles(vsftpdFile ? Open("vsftpd_log_file", c.VsftpdLogFile) : -1, x, c.SyslogEnable, c.FtpUsername);
        }
        catch
        {
            Posix.Close(x);
            throw;
        }
    }

    /// <summary>From now on lines go to these (the writer closes the files they replace once the lines before are written).</summary>
    public void Use(LogFiles f)
    {
        _writer.UseFiles(f.VsftpdFd, f.XferlogFd);
        (_vsftpdFile, _xferlog, _syslog, _ftpUsername) = (f.VsftpdFd >= 0, f.XferlogFd >= 0, f.Syslog, f.FtpUsername);
    }

    private static int Open(string key, string path)
    {
        try
        {
            return TransferFiles.OpenLog(path);
        }
        catch (PosixException e)
        {
            throw new LogFileException($"{key}: {e.Message}");
        }
    }

    /// <summary>CONNECT, as the worker <paramref name="pid"/> gets the client (or the master refuses it, with why).</summary>
    public void Connect(int pid, string ip, string text = "") => Vsftpd(pid, new LogEvent("CONNECT", null, null, ip, text), false);

    /// <summary>OK or FAIL LOGIN, decided by the master (the user as vsftpd shows it: ftp_username for anonymous).</summary>
    public void Login(int pid, string ip, string name, bool anonymous, string anonPassword, bool ok) =>
        Vsftpd(pid, new LogEvent("LOGIN", ok, anonymous ? _ftpUsername : name, ip, "", AnonPassword: anonymous ? anonPassword : null), severe: !ok);

    /// <summary>The name a session is logged under once logged in.</summary>
    public string LoggedName(string name, bool anonymous) => anonymous ? _ftpUsername : name;

    /// <summary>A worker's record about its own session; who and from where come from the master's record <paramref name="w"/>.</summary>
    public void Record(WorkerProc w, ActivityRecord r)
    {
        string ip = w.ClientIp ?? "?";
        if (r.What is LogKind.Command or LogKind.Response)
        {
            if (VsftpdLines) Vsftpd(w.Pid, new LogEvent(r.What == LogKind.Command ? "FTP command" : "FTP response", null, w.User, ip, r.Text), false);
            else _log($"worker {w.Pid}: {(r.What == LogKind.Command ? '>' : '<')} {r.Text}"); // log_ftp_protocol without a vsftpd log
            return;
        }
        if (w.User == null) return; // file activity before login: nothing a session did
        string word = r.What switch
        {
            LogKind.Download => "DOWNLOAD", LogKind.Upload => "UPLOAD", LogKind.Mkdir => "MKDIR", LogKind.Rmdir => "RMDIR",
            LogKind.Delete => "DELETE", LogKind.Rename => "RENAME", _ => "CHMOD",
        };
        Vsftpd(w.Pid, new LogEvent(word, r.Ok, w.User, ip, r.Text, r.Bytes, r.IsTransfer ? r.Micros : null), false);
        if (_xferlog && r.IsTransfer)
        {
            char access = w.Guest ? 'g' : w.Anonymous ? 'a' : 'r';
            _writer.Write(LogTarget.Xferlog, LogLines.Xferlog(LocalClock.Ctime(), r.Micros, ip, r.Bytes, r.Text, r.Ascii,
                r.What == LogKind.Upload, access, access == 'a' ? w.AnonPassword : w.User, r.Ok));
        }
    }

    private void Vsftpd(int pid, LogEvent e, bool severe)
    {
        if (_vsftpdFile) _writer.Write(LogTarget.VsftpdFile, LogLines.Vsftpd(LogLines.FilePrefix(LocalClock.Ctime(), pid), e));
        if (_syslog) _writer.Write(LogTarget.Syslog, LogLines.Syslog(LocalClock.SyslogStamp(), pid, LogLines.Vsftpd("", e), severe));
    }
}
