// Binds the listen sockets (IPv4 and/or IPv6) the config asks for.
using System.Net;
using System.Net.Sockets;
using FtpFork.Common.Config;

namespace FtpFork.Master;

public static class Listeners
{
    public static List<Socket> Bind(FtpConfig c)
    {
        var list = new List<Socket>();
        try
        {
            foreach (var ep in Endpoints(c)) list.Add(BindOne(ep.Address, ep.Port));
        }
        catch
        {
            foreach (var s in list) s.Dispose();
            throw;
        }
        return list;
    }

    /// <summary>The addresses <paramref name="c"/> listens on: IPv4 (listen), IPv6 (listen_ipv6), or both.</summary>
    public static List<IPEndPoint> Endpoints(FtpConfig c)
    {
        var list = new List<IPEndPoint>();
        if (c.Listen) list.Add(new IPEndPoint(c.ListenAddress == "" ? IPAddress.Any : IPAddress.Parse(c.ListenAddress), c.ListenPort));
        if (c.ListenIpv6) list.Add(new IPEndPoint(c.ListenAddress6 == "" ? IPAddress.IPv6Any : IPAddress.Parse(c.ListenAddress6), c.ListenPort));
        return list;
    }

    public static Socket BindOne(IPAddress addr, int port)
    {
        var s = new Socket(addr.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // SO_REUSEADDR alone: .NET's ReuseAddress also sets SO_REUSEPORT on Linux, which lets a second
            // master bind the same port and silently share its clients instead of failing.
            s.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            if (addr.AddressFamily == AddressFamily.InterNetworkV6) s.DualMode = false;
            s.Bind(new IPEndPoint(addr, port));
            s.Listen(1024);
            return s;
        }
        catch (SocketException e)
        {
            s.Dispose();
            throw new ListenException(e, addr.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{addr}]:{port}" : $"{addr}:{port}");
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    private const int SolSocket = 1, SoReuseAddr = 2; // <sys/socket.h> on Linux

    public static string Describe(Socket s) => s.LocalEndPoint is IPEndPoint ep
        ? (ep.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ep.Address}]:{ep.Port}" : $"{ep.Address}:{ep.Port}")
        : "?";
}

/// <summary>A bind/listen failure that names the address ("cannot listen on 127.0.0.1:21: Address already in use").</summary>
public sealed class ListenException : SocketException
{
    private readonly string _where;

    public ListenException(SocketException inner, string where) : base(inner.ErrorCode) => _where = where;

    public override string Message => $"cannot listen on {_where}: {base.Message}";
}
