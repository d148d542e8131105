// A raw-socket FTP client for tests: send a line, read a whole (multi-line) reply with a deadline.
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FtpFork.Tests.Harness;

public sealed record FtpReply(int Code, string Text, string[] Lines)
{
    public override string ToString() => string.Join("\n", Lines);
}

public sealed class FtpTestClient : IDisposable
{
    public Socket Socket { get; }
    private readonly byte[] _buf = new byte[65536];
    private readonly MemoryStream _pending = new();

    private FtpTestClient(Socket s) => Socket = s;

    public static FtpTestClient Connect(int port, string host = "127.0.0.1")
    {
        var addr = IPAddress.Parse(host);
        var s = new Socket(addr.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        s.Connect(new IPEndPoint(addr, port));
        return new FtpTestClient(s);
    }

    public void SendRaw(byte[] bytes) => Socket.Send(bytes);

    public void SendLine(string line) => SendRaw(Encoding.UTF8.GetBytes(line + "\r\n"));

    public FtpReply Command(string line, int timeoutMs = 10000)
    {
        SendLine(line);
        return ReadReply(timeoutMs);
    }

    /// <summary>Reads one reply (RFC 959 multi-line aware). Throws TimeoutException or EndOfStreamException.</summary>
    public FtpReply ReadReply(int timeoutMs = 10000)
    {
        var lines = new List<string>();
        string? first = null;
        while (true)
        {
            string line = ReadLine(timeoutMs);
            lines.Add(line);
            if (first == null)
            {
                first = line;
                if (line.Length >= 4 && line[3] == '-') continue;
                break;
            }
            if (line.Length >= 4 && line.StartsWith(first[..3]) && line[3] == ' ') break;
        }
        return new FtpReply(int.Parse(first[..3]), first.Length > 4 ? first[4..] : "", lines.ToArray());
    }

    public string ReadLine(int timeoutMs = 10000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var data = _pending.ToArray();
            int nl = Array.IndexOf(data, (byte)'\n');
            if (nl >= 0)
            {
                _pending.SetLength(0);
                _pending.Write(data, nl + 1, data.Length - nl - 1);
                return Encoding.UTF8.GetString(data, 0, nl).TrimEnd('\r');
            }
            int left = (int)(deadline - DateTime.UtcNow).TotalMilliseconds;
            if (left <= 0) throw new TimeoutException($"no reply line within {timeoutMs} ms (have: {Encoding.UTF8.GetString(data)})");
            if (!Socket.Poll(left * 1000, SelectMode.SelectRead)) continue;
            int n = Socket.Receive(_buf);
            if (n == 0) throw new EndOfStreamException($"connection closed (pending: {Encoding.UTF8.GetString(data)})");
            _pending.Write(_buf, 0, n);
        }
    }

    /// <summary>True when the server closed the connection (EOF) within the timeout, after any pending data.</summary>
    public bool WaitForClose(int timeoutMs)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            int left = (int)(deadline - DateTime.UtcNow).TotalMilliseconds;
            if (left <= 0) return false;
            if (!Socket.Poll(left * 1000, SelectMode.SelectRead)) continue;
            try
            {
                int n = Socket.Receive(_buf);
                if (n == 0) return true;
                _pending.Write(_buf, 0, n);
            }
            catch (SocketException) { return true; }
        }
    }

    public FtpReply Login(string user = "anonymous", string pass = "test@")
    {
        var r = Command("USER " + user);
        return r.Code == 331 ? Command("PASS " + pass) : r;
    }

    public void Dispose() => Socket.Dispose();
}
