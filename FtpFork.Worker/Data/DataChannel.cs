// One pending data connection: a PASV listening socket or a PORT target, and how it becomes a connected socket.
using System.Net;
using System.Net.Sockets;

namespace FtpFork.Worker;

public sealed class DataChannel
{
    private const int PortTries = 64;
    private Socket? _listener;
    private IPEndPoint? _target;

    /// <summary>True after PASV/EPSV/PORT/EPRT, until the next transfer uses it (vsftpd: pasv_active || port_active).</summary>
    public bool IsSet => _listener != null || _target != null;

    /// <summary>port_cleanup + pasv_cleanup: forgets the target, closes the listening socket.</summary>
    public void Clear()
    {
        _listener?.Dispose();
        _listener = null;
        _target = null;
    }

    /// <summary>
    /// PASV/EPSV: listens on the control connection's local address, on a port of
    /// pasv_min_port..pasv_max_port (any when 0). Returns the port, or null when none could be bound.
    /// </summary>
    public int? Listen(Session s)
    {
        Clear();
        var local = LocalAddress(s);
        var c = s.Config;
        bool ranged = c.PasvMinPort > 0 && c.PasvMaxPort >= c.PasvMinPort;
        int tries = ranged ? Math.Min(PortTries, c.PasvMaxPort - c.PasvMinPort + 1) * 2 : 1;
        for (int i = 0; i < tries; i++)
        {
            int port = ranged ? Random.Shared.Next(c.PasvMinPort, c.PasvMaxPort + 1) : 0;
            var sock = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (local.AddressFamily == AddressFamily.InterNetworkV6) sock.DualMode = false;
                sock.Bind(new IPEndPoint(local, port));
                sock.Listen(8);
                _listener = sock;
                return ((IPEndPoint)sock.LocalEndPoint!).Port;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && ranged)
            {
                sock.Dispose();
            }
            catch (SocketException e)
            {
                sock.Dispose();
                s.Log($"{s.ClientIp}: cannot listen for a passive connection: {e.SocketErrorCode}");
                return null;
            }
        }
        s.Log($"{s.ClientIp}: no free passive port in {c.PasvMinPort}..{c.PasvMaxPort}");
        return null;
    }

    /// <summary>PORT/EPRT: where to connect at the next transfer.</summary>
    public void Target(IPEndPoint ep)
    {
        Clear();
        _target = ep;
    }

    /// <summary>
    /// The connected, non-blocking data socket; null after replying 425 (never set up, nobody came
    /// within accept_timeout, or the PORT connect failed within connect_timeout).
    /// </summary>
    public Socket? Open(Session s)
    {
        if (!IsSet)
        {
            s.Control.Reply(ReplyCodes.CantOpenDataConnection, "Use PORT or PASV first.");
            return null;
        }
        var sock = _listener != null ? AcceptFromPeer(s, _listener) : Connect(s, _target!);
        if (sock == null)
        {
            s.Control.Reply(ReplyCodes.CantOpenDataConnection, "Failed to establish connection.");
            return null;
        }
        sock.Blocking = false;
        return sock;
    }

    /// <summary>
    /// Accepts until the control connection's peer connects or accept_timeout passes. With
    /// pasv_promiscuous=NO a connection from any other address is closed at once (no one may take
    /// over a client's data connection) and the wait goes on.
    /// </summary>
    private static Socket? AcceptFromPeer(Session s, Socket listener)
    {
        var peer = PeerAddress(s);
        int timeout = s.Config.AcceptTimeout;
        var deadline = DateTime.UtcNow.AddSeconds(timeout);
        while (true)
        {
            int leftMs = timeout <= 0 ? -1 : (int)Math.Max(0, (deadline - DateTime.UtcNow).TotalMilliseconds);
            if (timeout > 0 && leftMs == 0) return null;
            int us = leftMs < 0 ? -1 : (int)Math.Min(int.MaxValue, leftMs * 1000L);
            if (!listener.Poll(us, SelectMode.SelectRead)) continue;
            Socket a;
            try
            {
                a = listener.Accept();
            }
            catch (SocketException)
            {
                continue; // the connection was reset before we took it
            }
            var from = Normalize(((IPEndPoint)a.RemoteEndPoint!).Address);
            if (s.Config.PasvPromiscuous || from.Equals(peer)) return a;
            s.Log($"{s.ClientIp}: refused a data connection from {from} to the passive port (pasv_promiscuous=NO)");
            a.Dispose();
        }
    }

    /// <summary>Connects from the control connection's local address (port ftp_data_port with connect_from_port_20).</summary>
    private static Socket? Connect(Session s, IPEndPoint target)
    {
        var local = LocalAddress(s);
        var sock = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (target.AddressFamily == AddressFamily.InterNetworkV6) sock.DualMode = false;
            sock.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (local.AddressFamily == target.AddressFamily)
            {
                int port = s.Config.ConnectFromPort20 ? s.Config.FtpDataPort : 0;
                try
                {
                    sock.Bind(new IPEndPoint(local, port));
                }
                catch (SocketException e) when (port != 0)
                {
                    s.Log($"{s.ClientIp}: cannot bind data port {port} ({e.SocketErrorCode}); using any port");
                    sock.Bind(new IPEndPoint(local, 0));
                }
            }
            sock.Blocking = false;
            try
            {
                sock.Connect(target);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                int timeout = s.Config.ConnectTimeout;
                long us = timeout <= 0 ? -1 : Math.Min(int.MaxValue, timeout * 1_000_000L);
                if (!sock.Poll((int)us, SelectMode.SelectWrite))
                {
                    sock.Dispose();
                    return null;
                }
                if ((int)sock.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)! != 0)
                {
                    sock.Dispose();
                    return null;
                }
            }
            return sock;
        }
        catch (SocketException e)
        {
            s.Log($"{s.ClientIp}: data connection to {target} failed: {e.SocketErrorCode}");
            sock.Dispose();
            return null;
        }
    }

    /// <summary>The server's address on the control connection (what PASV binds and PORT connects from).</summary>
    public static IPAddress LocalAddress(Session s) => Normalize(((IPEndPoint)s.Control.Socket.LocalEndPoint!).Address);

    /// <summary>The client's address on the control connection.</summary>
    public static IPAddress PeerAddress(Session s) => Normalize(((IPEndPoint)s.Control.Socket.RemoteEndPoint!).Address);

    public static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
