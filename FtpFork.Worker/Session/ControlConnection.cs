// The client's control connection: command lines in, replies out (one writer at a time), TLS through a relay, the 421 close.
using System.Net;
using System.Text;
using FtpFork.Common.Interop;
using FtpFork.Common.Text;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public sealed class ControlConnection
{
    private volatile int _fd;
    private readonly object _writeLock = new();
    private readonly LineReader _reader;
    // log_ftp_protocol: each command line and reply line as an activity record (vsftpd's "FTP command"/"FTP response").
    private readonly Action<ActivityRecord>? _trace;
    private IPEndPoint? _local, _peer;
    private long _bytesReceived;

    /// <summary>
    /// Takes over <paramref name="fd"/>, the client's connected TCP socket (kept open until the
    /// process ends) or, for a session whose TLS relay is another process, the plain end of the
    /// relay's socketpair: then <paramref name="local"/> and <paramref name="peer"/> are the TCP
    /// connection's ends as the master saw them.
    /// </summary>
    public ControlConnection(int fd, Action<ActivityRecord>? trace = null, IPEndPoint? local = null, IPEndPoint? peer = null)
    {
        _fd = fd;
        if (local != null && peer != null)
        {
            _local = local;
            _peer = peer;
            IsTcp = false;
            IsSecure = true;
        }
        _trace = trace;
        _reader = new LineReader((b, o, n) =>
        {
            try
            {
                long r;
                while ((r = TcpSocket.Receive(_fd, b.AsSpan(o, n))) < 0) FdIo.Poll(_fd, false, -1, -1);
                _bytesReceived += r;
                return (int)r;
            }
            catch (PosixException) { return 0; } // reset by peer: the same as EOF
        });
        // Read now, while the client is surely there: they stay known even after a reset.
        try
        {
            _local ??= TcpSocket.LocalEndPoint(fd);
            _peer ??= TcpSocket.PeerEndPoint(fd);
        }
        catch (PosixException) { }
    }

    /// <summary>What the session reads and writes: the TCP socket, or the plain end of the TLS relay's socketpair.</summary>
    public int Fd => _fd;

    /// <summary>Fd is the client's TCP socket itself (TCP options apply to it).</summary>
    public bool IsTcp { get; private set; } = true;

    /// <summary>The control connection is TLS (AUTH TLS, implicit_ssl, or a relayed session).</summary>
    public bool IsSecure { get; private set; }

    /// <summary>This process's TLS relay thread, or null (no TLS, or the relay is the pre-login process).</summary>
    public TlsRelay? Relay { get; private set; }

    /// <summary>
    /// From here the client speaks TLS: the TCP socket goes to a relay thread (the handshake
    /// first), and the session reads and writes the plain end of a new socketpair instead.
    /// </summary>
    public void StartTls(TlsContext ctx, Action<string> log, string who, bool debug)
    {
        lock (_writeLock)
        {
            var (mine, theirs) = Posix.StreamPair();
            int tcp = _fd;
            _fd = mine;
            IsTcp = false;
            IsSecure = true;
            Relay = TlsRelay.Start(ctx, tcp, theirs, log, who, debug);
        }
    }

    /// <summary>
    /// The session is over in this process: the plain end closes, so the relay sends what is left,
    /// then close_notify, and ends (waited for, bounded by its own flush time).
    /// </summary>
    public void EndTls(int waitMs = 15_000)
    {
        if (Relay == null) return;
        lock (_writeLock) Posix.Close(_fd);
        Relay.Join(waitMs);
    }

    /// <summary>Bytes read from the client so far (worker_reuse: a probe sends at most "QUIT\r\n").</summary>
    public long BytesReceived => _bytesReceived;
    public LineReader Reader => _reader;

    /// <summary>The server's end of the control connection.</summary>
    public IPEndPoint LocalEndPoint => _local ??= TcpSocket.LocalEndPoint(_fd);

    /// <summary>The client's end of the control connection.</summary>
    public IPEndPoint PeerEndPoint => _peer ??= TcpSocket.PeerEndPoint(_fd);

    public CommandLine ReadLine()
    {
        var line = _reader.ReadLine();
        if (_trace != null && line.Status == LineStatus.Ok)
            Trace(LogKind.Command, line.Text.StartsWith("PASS ", StringComparison.OrdinalIgnoreCase) ? "PASS <password>" : line.Text);
        return line;
    }

    /// <summary>A one-line reply "code text".</summary>
    public void Reply(int code, string text) => Write($"{code} {OneLine(text)}\r\n");

    /// <summary>
    /// Reply text never carries a line end of its own (a name with CR LF in it must not forge a
    /// reply): a CR becomes CR NUL (RFC 959's rule for pathnames) and an LF NUL (as vsftpd's
    /// vsf_cmdio_write), so CR LF becomes CR NUL, as in both.
    /// </summary>
    public static string OneLine(string text)
    {
        if (text.AsSpan().IndexOfAny('\r', '\n') < 0) return text;
        var sb = new StringBuilder(text.Length + 4);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r')
            {
                sb.Append("\r\0");
                if (i + 1 < text.Length && text[i + 1] == '\n') i++;
            }
            else
            {
                sb.Append(c == '\n' ? '\0' : c);
            }
        }
        return sb.ToString();
    }

    /// <summary>A multi-line reply: "code-first", the middle lines as given, "code last".</summary>
    public void ReplyMulti(int code, string first, IEnumerable<string> middle, string last) =>
        Write(MultiText(code, first, middle, last));

    private static string MultiText(int code, string first, IEnumerable<string> middle, string last)
    {
        var sb = new StringBuilder();
        sb.Append(code).Append('-').Append(OneLine(first)).Append("\r\n");
        foreach (var m in middle) sb.Append(OneLine(m)).Append("\r\n");
        sb.Append(code).Append(' ').Append(OneLine(last)).Append("\r\n");
        return sb.ToString();
    }

    /// <summary>
    /// A file's lines as a reply, as vsftpd sends banners and directory messages: "code-line" for
    /// each (the first as ReplyMulti's first line), then "code last".
    /// </summary>
    public void ReplyLines(int code, IReadOnlyList<string> lines, string last)
    {
        var rest = new List<string>();
        for (int i = 1; i < lines.Count; i++) rest.Add($"{code}-{lines[i]}");
        ReplyMulti(code, lines[0], rest, last);
    }

    /// <summary>
    /// The greeting, which may find the client already gone (it connected and reset): false then,
    /// and the session ends with nothing read, so a pool worker can serve the next client.
    /// </summary>
    public bool TryGreet(int code, IReadOnlyList<string>? lines, string text)
    {
        if (lines == null) return Send($"{code} {OneLine(text)}\r\n");
        var rest = new List<string>();
        for (int i = 1; i < lines.Count; i++) rest.Add($"{code}-{lines[i]}");
        return Send(MultiText(code, lines[0], rest, ""));
    }

    private void Write(string text)
    {
        // The client is gone: nothing more to say to it; the session ends quietly.
        if (!Send(text)) ProcessCalls.Exit(0);
    }

    private void Trace(LogKind what, string text) => _trace!(new ActivityRecord(what, true, 0, 0, false, text));

    private bool Send(string text)
    {
        if (_trace != null)
            foreach (var l in text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)) Trace(LogKind.Response, l);
        byte[] b = Encoding.UTF8.GetBytes(text);
        lock (_writeLock)
        {
            try
            {
                TcpSocket.SendAll(_fd, b);
                return true;
            }
            catch (PosixException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// The session's end on the main thread: waits for a CloseWith in progress on the signal
    /// thread (it holds the write lock until the process exits), so its 421 is never cut off.
    /// </summary>
    public void Finish()
    {
        lock (_writeLock) { }
    }

    /// <summary>
    /// vsftpd's close on a timeout or a stop (vsf_cmdio_write_exit): shutdown(SHUT_RD), the last reply, shutdown(SHUT_WR), exit.
    /// Called from the signal thread (from the main thread when the master is gone); the write lock
    /// keeps it from interleaving with a reply.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void CloseWith(string line, int exitCode)
    {
        Monitor.Enter(_writeLock); // never released: the process ends here
        if (_trace != null) Trace(LogKind.Response, line);
        try
        {
            Posix.ShutdownRead(Fd);
            TcpSocket.SendAll(Fd, Encoding.UTF8.GetBytes(line + "\r\n"));
            Posix.ShutdownWrite(Fd);
        }
        catch (PosixException) { }
        Relay?.Finish(2000); // the line and close_notify leave through the relay; a handshake under way ends
        ProcessCalls.Exit(exitCode);
    }
}
