// The client's control connection: command lines in, replies out (one writer at a time), the 421 close.
using System.Net.Sockets;
using System.Text;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public sealed class ControlConnection
{
    private readonly Socket _socket;
    private readonly object _writeLock = new();
    private readonly LineReader _reader;
    private readonly Action<string>? _trace;

    public ControlConnection(Socket socket, Action<string>? trace = null)
    {
        _socket = socket;
        _trace = trace;
        _reader = new LineReader((b, o, n) =>
        {
            try { return _socket.Receive(b, o, n, SocketFlags.None); }
            catch (SocketException) { return 0; } // reset by peer: the same as EOF
            catch (ObjectDisposedException) { return 0; }
        });
    }

    public Socket Socket => _socket;
    public int Fd => (int)_socket.Handle;
    public LineReader Reader => _reader;

    public CommandLine ReadLine()
    {
        var line = _reader.ReadLine();
        if (_trace != null && line.Status == LineStatus.Ok)
            _trace("> " + (line.Text.StartsWith("PASS ", StringComparison.OrdinalIgnoreCase) ? "PASS <hidden>" : line.Text));
        return line;
    }

    /// <summary>A one-line reply "code text".</summary>
    public void Reply(int code, string text) => Write($"{code} {text}\r\n");

    /// <summary>A multi-line reply: "code-first", the middle lines as given, "code last".</summary>
    public void ReplyMulti(int code, string first, IEnumerable<string> middle, string last)
    {
        var sb = new StringBuilder();
        sb.Append(code).Append('-').Append(first).Append("\r\n");
        foreach (var m in middle) sb.Append(m).Append("\r\n");
        sb.Append(code).Append(' ').Append(last).Append("\r\n");
        Write(sb.ToString());
    }

    private void Write(string text)
    {
        _trace?.Invoke("< " + text.TrimEnd());
        byte[] b = Encoding.UTF8.GetBytes(text);
        lock (_writeLock)
        {
            try
            {
                _socket.Send(b);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The client is gone: nothing more to say to it; the session ends quietly.
                Environment.Exit(0);
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
    /// The seed's safe close: shutdown(SHUT_RD), the last reply, shutdown(SHUT_WR), exit.
    /// Called from the signal thread; the write lock keeps it from interleaving with a reply.
    /// </summary>
    public void CloseWith(string line, int exitCode)
    {
        Monitor.Enter(_writeLock); // never released: the process ends here
        _trace?.Invoke("< " + line);
        try
        {
            Posix.ShutdownRead(Fd);
            _socket.Send(Encoding.UTF8.GetBytes(line + "\r\n"));
            Posix.ShutdownWrite(Fd);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        Environment.Exit(exitCode);
    }
}
