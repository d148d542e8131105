// The thread that writes the log files and syslog: in order, off the accept loop, so a slow disk or a busy syslog never stalls an accept.
using System.Net.Sockets;
using System.Text;
using FtpFork.Common.Interop;

namespace FtpFork.Master;

public enum LogTarget { VsftpdFile, Xferlog, Syslog }

public sealed class LogWriter
{
    /// <summary>Lines queued at most; beyond that new lines are dropped and counted (said once there is room).</summary>
    public const int MaxQueued = 100_000;
    private const string DevLog = "/dev/log";

    private sealed record Item(LogTarget Target, string Line, (int Vsftpd, int Xferlog)? Files = null);

    private readonly Queue<Item> _queue = new();
    private readonly Action<string> _log;
    private long _dropped;
    // Owned by the writer thread.
    private int _vsftpdFd = -1, _xferlogFd = -1;
    private Socket? _syslog;
    private long _syslogRetryAt;
    private bool _syslogFailedSaid;

    public LogWriter(Action<string> log)
    {
        _log = log;
        new Thread(Run) { IsBackground = true, Name = "logwriter" }.Start();
    }

    public void Write(LogTarget target, string line) => Enqueue(new Item(target, line));

    /// <summary>From now on lines go to these files (-1: none); the writer closes the ones they replace, after the lines queued before.</summary>
    public void UseFiles(int vsftpdFd, int xferlogFd) => Enqueue(new Item(LogTarget.VsftpdFile, "", (vsftpdFd, xferlogFd)), always: true);

    private void Enqueue(Item item, bool always = false)
    {
        lock (_queue)
        {
            if (!always && _queue.Count >= MaxQueued)
            {
                _dropped++;
                return;
            }
            _queue.Enqueue(item);
            Monitor.Pulse(_queue);
        }
    }

    private void Run()
    {
        while (true)
        {
            Item item;
            long dropped;
            lock (_queue)
            {
                while (_queue.Count == 0) Monitor.Wait(_queue);
                item = _queue.Dequeue();
                dropped = _dropped;
                _dropped = 0;
            }
            if (dropped > 0) _log($"log writer: {dropped} line(s) dropped: more than {MaxQueued} were waiting");
            if (item.Files is var (v, x))
            {
                if (_vsftpdFd != v) Posix.Close(_vsftpdFd);
                if (_xferlogFd != x) Posix.Close(_xferlogFd);
                (_vsftpdFd, _xferlogFd) = (v, x);
                continue;
            }
            switch (item.Target)
            {
                case LogTarget.VsftpdFile: ToFile(_vsftpdFd, "vsftpd_log_file", item.Line); break;
                case LogTarget.Xferlog: ToFile(_xferlogFd, "xferlog_file", item.Line); break;
                case LogTarget.Syslog: ToSyslog(item.Line); break;
            }
        }
    }

    private void ToFile(int fd, string key, string line)
    {
        if (fd < 0) return;
        try
        {
            FdIo.Write(fd, Encoding.UTF8.GetBytes(line + "\n")); // O_APPEND, one write(2) per line
        }
        catch (PosixException e)
        {
            _log($"{key}: {e.Message}"); // a full disk must not stop the master
        }
    }

    /// <summary>One datagram to /dev/log, as syslog(3) sends it; reconnected when syslog restarted, retried every 10 s when absent.</summary>
    private void ToSyslog(string packet)
    {
        byte[] b = Encoding.UTF8.GetBytes(packet);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            if (_syslog == null && !Connect()) return;
            try
            {
                _syslog!.Send(b);
                return;
            }
            catch (SocketException)
            {
                _syslog!.Dispose(); // journald or rsyslogd restarted: connect again, once
                _syslog = null;
            }
        }
    }

    private bool Connect()
    {
        if (Environment.TickCount64 < _syslogRetryAt) return false;
        var s = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { SendTimeout = 1000 };
        try
        {
            s.Connect(new UnixDomainSocketEndPoint(DevLog));
            _syslog = s;
            if (_syslogFailedSaid) _log($"syslog_enable: {DevLog} reached again");
            _syslogFailedSaid = false;
            return true;
        }
        catch (SocketException e)
        {
            s.Dispose();
            _syslogRetryAt = Environment.TickCount64 + 10_000;
            if (!_syslogFailedSaid) _log($"syslog_enable: cannot send to {DevLog}: {e.Message}; lines are dropped until it answers");
            _syslogFailedSaid = true;
            return false;
        }
    }
}
