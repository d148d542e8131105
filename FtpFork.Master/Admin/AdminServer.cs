// `ftpfork who`'s server: the admin_socket (0600, or 0660 for admin_socket_group), one thread that reads a request and writes the loop's answer.
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using FtpFork.Common.Config;
using FtpFork.Common.Interop;

namespace FtpFork.Master;

/// <summary>One request line ("WHO", "KICK 123"); the loop answers it with one JSON document.</summary>
public sealed class AdminRequest(string line)
{
    private readonly ManualResetEventSlim _done = new();
    private string _reply = "";

    public string Line { get; } = line;

    public void Answer(string json)
    {
        _reply = json;
        _done.Set();
    }

    public string? Wait(int ms) => _done.Wait(ms) ? _reply : null;
}

public sealed class AdminServer
{
    private const int MaxRequest = 256;
    private readonly Socket _listen;
    private readonly string _path;
    private readonly (ulong, ulong)? _identity;
    private readonly ConcurrentQueue<AdminRequest> _requests = new();
    private readonly SelfPipe _wake = new();
    private readonly Action<string> _log;

    private AdminServer(Socket listen, string path, Action<string> log)
    {
        _listen = listen;
        _path = path;
        _identity = PathCalls.Identity(path);
        _log = log;
        new Thread(Serve) { IsBackground = true, Name = "admin" }.Start();
    }

    /// <summary>Readable when requests wait for the loop (Drain).</summary>
    public int WakeFd => _wake.ReadFd;

    public string Path => _path;

    /// <summary>
    /// Binds admin_socket: under a temporary name, given its mode (0600; 0660 and the group with
    /// admin_socket_group), then renamed into place, so the name never exists with looser rights.
    /// Null, with a log line, when it cannot: the FTP service runs without `ftpfork who`.
    /// <paramref name="takeOver"/>: replace a socket another master answers on (a binary upgrade).
    /// </summary>
    public static AdminServer? Open(FtpConfig c, Action<string> log, bool takeOver = false)
    {
        if (c.AdminSocket == "") return null;
        string path = c.AdminSocket, tmp = path + ".new";
        try
        {
            uint? gid = null;
            if (c.AdminSocketGroup != "")
                gid = UserDb.GroupId(c.AdminSocketGroup) ?? throw new IOException($"admin_socket_group {c.AdminSocketGroup} does not exist");
            string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            if (!Directory.Exists(dir)) PathCalls.Mkdir(dir, Convert.ToInt32("755", 8));
            if (!takeOver && Answers(path)) throw new IOException("another master answers there");
            if (PathCalls.Exists(tmp)) PathCalls.Unlink(tmp);
            var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                s.Bind(new UnixDomainSocketEndPoint(tmp));
                PathCalls.Chmod(tmp, Convert.ToInt32(gid == null ? "600" : "660", 8));
                if (gid != null) PathCalls.Chown(tmp, Posix.GetUid(), gid.Value);
                s.Listen(16);
                PathCalls.Rename(tmp, path);
            }
            catch
            {
                s.Dispose();
                if (PathCalls.Exists(tmp)) PathCalls.Unlink(tmp);
                throw;
            }
            return new AdminServer(s, path, log);
        }
        catch (Exception e) when (e is PosixException or SocketException or IOException or UnauthorizedAccessException)
        {
            log($"admin_socket {path}: {e.Message}; `ftpfork who` cannot reach this master");
            return null;
        }
    }

    /// <summary>Whether a master answers on <paramref name="path"/> now.</summary>
    private static bool Answers(string path)
    {
        if (!PathCalls.Exists(path)) return false;
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            s.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false; // a stale socket file: replaced
        }
    }

    /// <summary>Requests waiting for the loop (call when WakeFd is readable).</summary>
    public List<AdminRequest> Drain()
    {
        _wake.Drain();
        var list = new List<AdminRequest>();
        while (_requests.TryDequeue(out var r)) list.Add(r);
        return list;
    }

    /// <summary>At the master's end: the socket file goes, unless another master has put its own there since.</summary>
    public void Remove()
    {
        if (PathCalls.Identity(_path) is var id && id != null && id == _identity)
        {
            try { PathCalls.Unlink(_path); } catch (PosixException) { }
        }
        _listen.Dispose();
    }

    private void Serve()
    {
        while (true)
        {
            Socket c;
            try
            {
                c = _listen.Accept();
            }
            catch (SocketException)
            {
                return; // closed: the master is ending
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            using (c)
            {
                try
                {
                    c.ReceiveTimeout = 2000;
                    c.SendTimeout = 5000;
                    string? line = ReadLine(c);
                    if (line == null) continue;
                    var r = new AdminRequest(line);
                    _requests.Enqueue(r);
                    _wake.Notify(1);
                    string reply = r.Wait(5000) ?? "{\"error\":\"the master did not answer in time\"}";
                    c.Send(Encoding.UTF8.GetBytes(reply + "\n"));
                }
                catch (SocketException e)
                {
                    _log($"admin_socket: {e.SocketErrorCode}"); // a client that left or stalled
                }
            }
        }
    }

    /// <summary>One request line of at most 256 bytes; null when the client sent none in time.</summary>
    private static string? ReadLine(Socket c)
    {
        var buf = new byte[MaxRequest];
        int n = 0;
        while (n < buf.Length)
        {
            int r = c.Receive(buf, n, buf.Length - n, SocketFlags.None);
            if (r == 0) break;
            n += r;
            int nl = Array.IndexOf(buf, (byte)'\n', 0, n);
            if (nl >= 0) return Encoding.ASCII.GetString(buf, 0, nl).TrimEnd('\r');
        }
        return null;
    }
}
