// A syslog socket of the test's own: the master runs in a mount namespace where it is /dev/log (unshare -m, an overlay on /dev, a bind mount).
using System.Net.Sockets;
using System.Text;

namespace FtpFork.Tests.Harness;

public sealed class SyslogSocket : IDisposable
{
    private readonly string _dir;
    private readonly Socket _socket;

    public string Path { get; }

    public SyslogSocket()
    {
        _dir = Directory.CreateTempSubdirectory("ftpfork-syslog-").FullName;
        Directory.CreateDirectory(System.IO.Path.Combine(_dir, "upper"));
        Directory.CreateDirectory(System.IO.Path.Combine(_dir, "work"));
        Path = System.IO.Path.Combine(_dir, "log");
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    /// <summary>
    /// The command that runs the master (its argv follows) with this socket as /dev/log and nothing
    /// else changed: /dev is an overlay of the real one in a private mount namespace.
    /// </summary>
    public string[] Wrapper => new[]
    {
        "unshare", "-m", "sh", "-c",
        "mount --make-rprivate / && " +
        $"mount -t overlay overlay -o lowerdir=/dev,upperdir={_dir}/upper,workdir={_dir}/work /dev && " +
        $"touch /dev/log && mount --bind {Path} /dev/log && exec \"$0\" \"$@\"",
    };

    /// <summary>Datagrams received until one contains <paramref name="last"/> (or the deadline passes).</summary>
    public List<string> ReceiveUntil(string last, int timeoutMs = 10_000)
    {
        var got = new List<string>();
        var buf = new byte[8192];
        var end = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < end)
        {
            if (!_socket.Poll(100_000, SelectMode.SelectRead)) continue;
            int n = _socket.Receive(buf);
            string s = Encoding.UTF8.GetString(buf, 0, n);
            got.Add(s);
            if (s.Contains(last)) break;
        }
        return got;
    }

    public void Dispose()
    {
        _socket.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
