// Test-side data connections: PASV/EPSV connects, PORT/EPRT listeners, reading to EOF, sha256, random files.
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace FtpFork.Tests.Harness;

public static partial class DataClient
{
    /// <summary>Settings under which the anonymous session may upload, overwrite and fail fast on a data connection.</summary>
    public static readonly string[] AnonWritable =
        { "write_enable=YES", "anon_upload_enable=YES", "anon_other_write_enable=YES", "anon_umask=022", "accept_timeout=5" };

    /// <summary>Connects, reads the banner and logs in anonymously (asserting 220 and 230).</summary>
    public static FtpTestClient LoggedIn(ServerProcess server, string host = "127.0.0.1")
    {
        var c = FtpTestClient.Connect(server.Port, host);
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Login().Code, Is.EqualTo(230));
        Assert.That(c.Command("TYPE I").Code, Is.EqualTo(200));
        return c;
    }

    /// <summary>PASV, then a data socket connected to the port it gave (bound to <paramref name="from"/> when given).</summary>
    public static Socket Pasv(FtpTestClient c, IPAddress? from = null, int receiveBuffer = 0)
    {
        var r = c.Command("PASV");
        Assert.That(r.Code, Is.EqualTo(227), r.ToString());
        return ConnectTo(PasvEndPoint(r.Text), from, receiveBuffer);
    }

    /// <summary>The address and port of a 227 reply's text ("Entering Passive Mode (h1,h2,h3,h4,p1,p2).").</summary>
    public static IPEndPoint PasvEndPoint(string reply)
    {
        var m = PasvReply().Match(reply);
        Assert.That(m.Success, reply);
        var n = m.Groups.Cast<Group>().Skip(1).Select(g => int.Parse(g.Value)).ToArray();
        return new IPEndPoint(IPAddress.Parse($"{n[0]}.{n[1]}.{n[2]}.{n[3]}"), n[4] * 256 + n[5]);
    }

    /// <summary>EPSV, then a data socket to the control connection's host at the port it gave.</summary>
    public static Socket Epsv(FtpTestClient c, string host, int receiveBuffer = 0)
    {
        var r = c.Command("EPSV");
        Assert.That(r.Code, Is.EqualTo(229), r.ToString());
        var m = EpsvReply().Match(r.Text);
        Assert.That(m.Success, r.Text);
        return ConnectTo(new IPEndPoint(IPAddress.Parse(host), int.Parse(m.Groups[1].Value)), null, receiveBuffer);
    }

    public static Socket ConnectTo(IPEndPoint ep, IPAddress? from = null, int receiveBuffer = 0)
    {
        var s = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBuffer > 0) s.ReceiveBufferSize = receiveBuffer;
        if (from != null) s.Bind(new IPEndPoint(from, 0));
        s.Connect(ep);
        return s;
    }

    /// <summary>A listener for active mode on <paramref name="host"/>; sends PORT (IPv4) or EPRT and asserts 200.</summary>
    public static Socket Active(FtpTestClient c, string host = "127.0.0.1")
    {
        var addr = IPAddress.Parse(host);
        var l = new Socket(addr.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        l.Bind(new IPEndPoint(addr, 0));
        l.Listen(4);
        int port = ((IPEndPoint)l.LocalEndPoint!).Port;
        var r = addr.AddressFamily == AddressFamily.InterNetwork
            ? c.Command($"PORT {host.Replace('.', ',')},{port >> 8},{port & 255}")
            : c.Command($"EPRT |2|{host}|{port}|");
        Assert.That(r.Code, Is.EqualTo(200), r.ToString());
        return l;
    }

    /// <summary>Accepts the server's active-mode connection within 10 s.</summary>
    public static Socket AcceptFrom(Socket listener)
    {
        Assert.That(listener.Poll(10_000_000, SelectMode.SelectRead), Is.True, "the server never connected");
        return listener.Accept();
    }

    /// <summary>Reads the data connection to EOF (10 s without a byte fails).</summary>
    public static byte[] ReadAll(Socket s)
    {
        var ms = new MemoryStream();
        var buf = new byte[256 * 1024];
        while (true)
        {
            if (!s.Poll(10_000_000, SelectMode.SelectRead)) throw new TimeoutException("data connection stalled");
            int n = s.Receive(buf);
            if (n == 0) return ms.ToArray();
            ms.Write(buf, 0, n);
        }
    }

    /// <summary>Sends all of <paramref name="data"/> then closes the data connection (EOF ends an upload).</summary>
    public static void WriteAllAndClose(Socket s, byte[] data)
    {
        s.Send(data);
        s.Shutdown(SocketShutdown.Send);
        s.Dispose();
    }

    /// <summary>
    /// root/pub, writable by the anonymous session (which runs as ftp_username, chrooted in the
    /// root-owned root); <paramref name="files"/> are made there writable by anyone too.
    /// </summary>
    public static string WritableDir(ServerProcess server, params string[] files)
    {
        string pub = Path.Combine(server.Root, "pub");
        Directory.CreateDirectory(pub);
        File.SetUnixFileMode(pub, (UnixFileMode)Convert.ToInt32("777", 8));
        foreach (var f in files) File.SetUnixFileMode(Path.Combine(pub, f), (UnixFileMode)Convert.ToInt32("666", 8));
        return pub;
    }

    public static string Sha(byte[] b) => Convert.ToHexString(SHA256.HashData(b));

    public static string ShaFile(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(f));
    }

    /// <summary>Writes a world-readable random file of <paramref name="size"/> bytes under the root; returns its sha256.</summary>
    public static string RandomFile(string path, long size)
    {
        using (var f = File.Create(path))
        {
            var buf = new byte[1 << 20];
            for (long left = size; left > 0; left -= buf.Length)
            {
                Random.Shared.NextBytes(buf);
                f.Write(buf, 0, (int)Math.Min(left, buf.Length));
            }
        }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return ShaFile(path);
    }

    [GeneratedRegex(@"\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)")]
    private static partial Regex PasvReply();

    [GeneratedRegex(@"\(\|\|\|(\d+)\|\)")]
    private static partial Regex EpsvReply();
}
