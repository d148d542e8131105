// One pending data connection: a PASV listening socket or a PORT target, and how it becomes a connected socket.
using System.Net;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public sealed class DataChannel
{
    private const int PortTries = 64;
    private int _listener = -1;
    private IPEndPoint? _target;

    /// <summary>True after PASV/EPSV/PORT/EPRT, until the next transfer uses it (vsftpd: pasv_active || port_active).</summary>
    public bool IsSet => _listener >= 0 || _target != null;

    /// <summary>port_cleanup + pasv_cleanup: forgets the target, closes the listening socket.</summary>
    public void Clear()
    {
        Posix.Close(_listener);
        _listener = -1;
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
            int port = ranged ? Entropy.Between(c.PasvMinPort, c.PasvMaxPort) : 0;
            int sock = -1;
            try
            {
                // Non-blocking: a connection reset between poll and accept must not block the accept.
                sock = TcpSocket.Open(local, nonBlocking: true);
                // The port may still hold an earlier transfer's connection in TIME_WAIT.
                TcpSocket.SetReuseAddress(sock);
                TcpSocket.Bind(sock, new IPEndPoint(local, port));
                TcpSocket.Listen(sock, 8);
                int bound = TcpSocket.LocalEndPoint(sock).Port;
                _listener = sock;
                return bound;
            }
            catch (PosixException e) when (e.IsAddressInUse && ranged)
            {
                Posix.Close(sock);
            }
            catch (PosixException e)
            {
                Posix.Close(sock);
                s.Log($"{s.ClientIp}: cannot listen for a passive connection: {e.Message}");
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
    /// The connected, non-blocking data socket's fd (the caller closes it); null after replying 425
    /// (never set up, nobody came within accept_timeout, or the PORT connect failed within connect_timeout).
    /// </summary>
    public int? Open(Session s)
    {
        if (!IsSet)
        {
            s.Control.Reply(ReplyCodes.CantOpenDataConnection, "Use PORT or PASV first.");
            return null;
        }
        var sock = _listener >= 0 ? AcceptFromPeer(s, _listener) : Connect(s, _target!);
        if (sock == null)
        {
            s.Control.Reply(ReplyCodes.CantOpenDataConnection, "Failed to establish connection.");
            return null;
        }
        return sock;
    }

    /// <summary>
    /// Accepts until the control connection's peer connects or accept_timeout passes. With
    /// pasv_promiscuous=NO a connection from any other address is closed at once (no one may take
    /// over a client's data connection) and the wait goes on.
    /// </summary>
    private static int? AcceptFromPeer(Session s, int listener)
    {
        var peer = PeerAddress(s);
        int timeout = s.Config.AcceptTimeout;
        var deadline = DateTime.UtcNow.AddSeconds(timeout);
        while (true)
        {
            int leftMs = timeout <= 0 ? -1 : (int)Math.Max(0, (deadline - DateTime.UtcNow).TotalMilliseconds);
            if (timeout > 0 && leftMs == 0) return null;
            var (ready, _) = FdIo.Poll(listener, false, -1, leftMs);
            if (ready == 0) continue;
            int a;
            IPEndPoint? remote;
            try
            {
                a = TcpSocket.Accept(listener, out remote);
            }
            catch (PosixException)
            {
                continue; // the connection was reset before we took it
            }
            if (a < 0) continue; // gone again between poll and accept
            var from = Normalize(remote!.Address);
            if (s.Config.PasvPromiscuous || from.Equals(peer)) return a;
            s.Log($"{s.ClientIp}: refused a data connection from {from} to the passive port (pasv_promiscuous=NO)");
            Posix.Close(a);
        }
    }

    /// <summary>Connects from the control connection's local address (port ftp_data_port with connect_from_port_20).</summary>
    private static int? Connect(Session s, IPEndPoint target)
    {
        var local = LocalAddress(s);
        int sock = -1;
        try
        {
            sock = TcpSocket.Open(target.Address, nonBlocking: true);
            TcpSocket.SetReuseAddress(sock, andPort: true);
            if (local.AddressFamily == target.AddressFamily)
            {
                int port = s.Config.ConnectFromPort20 ? s.Config.FtpDataPort : 0;
                try
                {
                    TcpSocket.Bind(sock, new IPEndPoint(local, port));
                }
                catch (PosixException e) when (port != 0)
                {
                    s.Log($"{s.ClientIp}: cannot bind data port {port} ({e.Message}); using any port");
                    TcpSocket.Bind(sock, new IPEndPoint(local, 0));
                }
            }
            if (!TcpSocket.Connect(sock, target))
            {
                int timeout = s.Config.ConnectTimeout;
                int ms = timeout <= 0 ? -1 : (int)Math.Min(int.MaxValue, timeout * 1000L);
                var (ready, _) = FdIo.Poll(sock, true, -1, ms);
                if (ready == 0 || TcpSocket.PendingError(sock) != 0)
                {
                    Posix.Close(sock);
                    return null;
                }
            }
            return sock;
        }
        catch (PosixException e)
        {
            s.Log($"{s.ClientIp}: data connection to {target} failed: {e.Message}");
            Posix.Close(sock);
            return null;
        }
    }

    /// <summary>The server's address on the control connection (what PASV binds and PORT connects from).</summary>
    public static IPAddress LocalAddress(Session s) => Normalize(s.Control.LocalEndPoint.Address);

    /// <summary>The client's address on the control connection.</summary>
    public static IPAddress PeerAddress(Session s) => Normalize(s.Control.PeerEndPoint.Address);

    public static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
