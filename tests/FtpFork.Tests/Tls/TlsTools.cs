// Shared by the TLS tests: the python FTPS client scenarios, a C# FTPS control connection, and who owns a TCP socket.
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using FtpFork.Tests.Accounts;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Tls;

public static class TlsTools
{
    private static string Script => Path.Combine(AccountsSetup.RepoRoot(), "tests", "FtpFork.Tests", "Tls", "tlsclient.py");

    /// <summary>Runs one scenario of tlsclient.py; its stdout lines (it must exit 0).</summary>
    public static string[] Python(ServerProcess server, string scenario, string version, string user, string password, params string[] args)
    {
        var all = new List<string> { Script, scenario, server.Port.ToString(), version, user, password };
        all.AddRange(args);
        var r = RunTool.Run("python3", all, 180_000);
        Assert.That(r.ExitCode, Is.EqualTo(0), $"{scenario}: {r.Stderr}\n{r.Stdout}\n{server.Log}");
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// The pids that hold a socket of the TCP connection between server port <paramref name="serverPort"/>
    /// and client port <paramref name="clientPort"/> on 127.0.0.1 (the server's end), from /proc/net/tcp and /proc/*/fd.
    /// </summary>
    public static List<int> ServerSocketOwners(int serverPort, int clientPort)
    {
        string local = $"0100007F:{serverPort:X4}", remote = $"0100007F:{clientPort:X4}";
        string? inode = null;
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f[1] == local && f[2] == remote) inode = f[9];
        }
        Assert.That(inode, Is.Not.Null, $"no socket 127.0.0.1:{serverPort} <- :{clientPort}");
        var owners = new List<int>();
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out int pid)) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFiles($"{d}/fd"))
                    if (new FileInfo(fd).LinkTarget == $"socket:[{inode}]") { owners.Add(pid); break; }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return owners;
    }

    public static uint Uid(int pid) => uint.Parse(ProcTools.StatusField(pid, "Uid")[0]);
}

/// <summary>An FTPS control connection (AUTH TLS, then SslStream) for tests that hold a session open.</summary>
public sealed class FtpsControl : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly SslStream _tls;
    private readonly StreamReader _reader;

    public int LocalPort { get; }

    private FtpsControl(TcpClient tcp, SslStream tls)
    {
        _tcp = tcp;
        _tls = tls;
        _reader = new StreamReader(tls, Encoding.UTF8);
        LocalPort = ((System.Net.IPEndPoint)tcp.Client.LocalEndPoint!).Port;
    }

    public static FtpsControl Connect(ServerProcess server)
    {
        var tcp = new TcpClient("127.0.0.1", server.Port) { ReceiveTimeout = 10000, SendTimeout = 10000 };
        var raw = tcp.GetStream();
        var pre = new StreamReader(raw, Encoding.ASCII);
        Assert.That(pre.ReadLine(), Does.StartWith("220"));
        raw.Write("AUTH TLS\r\n"u8);
        Assert.That(pre.ReadLine(), Does.StartWith("234"));
        var tls = new SslStream(raw, false, (_, _, _, _) => true);
        tls.AuthenticateAsClient("localhost");
        return new FtpsControl(tcp, tls);
    }

    /// <summary>Sends a command and returns the reply's last line ("230 Login successful.").</summary>
    public string Command(string line)
    {
        _tls.Write(Encoding.UTF8.GetBytes(line + "\r\n"));
        _tls.Flush();
        return Reply();
    }

    /// <summary>The next reply's last line.</summary>
    public string Reply()
    {
        string first = _reader.ReadLine() ?? throw new EndOfStreamException();
        string last = first;
        if (first.Length > 3 && first[3] == '-')
            while (!((last = _reader.ReadLine() ?? throw new EndOfStreamException()).StartsWith(first[..3] + " "))) { }
        return last;
    }

    public void Dispose()
    {
        _tls.Dispose();
        _tcp.Dispose();
    }
}
