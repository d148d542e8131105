// The session's log entry under way, as vsftpd's vsf_log_start_entry: begun by a command, sent OK when it succeeds, FAIL when the command ends without.
using System.Diagnostics;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public sealed class ActivityEntry
{
    private readonly bool _on;
    private LogKind _what;
    private string? _text;
    private bool _ascii;
    private long _started;

    /// <param name="on">Whether anything is logged at all (xferlog_enable, dual_log_enable or syslog_enable): else no record is sent.</param>
    public ActivityEntry(bool on) => _on = on;

    /// <summary>Starts an entry: a transfer is timed from here (vsftpd starts at the same points).</summary>
    public void Begin(LogKind what, string text, bool ascii = false)
    {
        if (!_on) return;
        _what = what;
        _text = text;
        _ascii = ascii;
        _started = Stopwatch.GetTimestamp();
    }

    /// <summary>Ends the entry under way with its outcome and the bytes moved.</summary>
    public void End(bool ok, long bytes = 0)
    {
        if (_text == null) return;
        long usec = (long)Stopwatch.GetElapsedTime(_started).TotalMicroseconds;
        WorkerLog.Record(new ActivityRecord(_what, ok, bytes, usec, _ascii, _text));
        _text = null;
    }

    /// <summary>After each command: an entry it began and did not end failed (vsftpd's vsf_log_entry_pending).</summary>
    public void FailPending() => End(ok: false);
}
