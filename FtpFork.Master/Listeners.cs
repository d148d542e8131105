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
            if (c.Listen)
                list.Add(BindOne(c.ListenAddress == "" ? IPAddress.Any : IPAddress.Parse(c.ListenAddress), c.ListenPort));
            if (c.ListenIpv6)
                list.Add(BindOne(c.ListenAddress6 == "" ? IPAddress.IPv6Any : IPAddress.Parse(c.ListenAddress6), c.ListenPort));
        }
        catch
        {
            foreach (var s in list) s.Dispose();
            throw;
        }
        return list;
    }

    private static Socket BindOne(IPAddress addr, int port)
    {
        var s = new Socket(addr.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (addr.AddressFamily == AddressFamily.InterNetworkV6) s.DualMode = false;
            s.Bind(new IPEndPoint(addr, port));
            s.Listen(1024);
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    public static string Describe(Socket s) => s.LocalEndPoint is IPEndPoint ep
        ? (ep.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ep.Address}]:{ep.Port}" : $"{ep.Address}:{ep.Port}")
        : "?";
}
