// IPEndPoint ⇄ Mono.Posix's sockaddr types (ports and addresses in network byte order, IPv6 scope ids kept).
using System.Net;
using Mono.Unix.Native;
using AddressFamily = System.Net.Sockets.AddressFamily; // the enum only (System.Net.Primitives), not the Socket class

namespace FtpFork.Common.Interop;

internal static class SockaddrConvert
{
    public static bool IsV6(IPAddress a) => a.AddressFamily == AddressFamily.InterNetworkV6;

    public static UnixAddressFamily FamilyOf(IPAddress a) => IsV6(a) ? UnixAddressFamily.AF_INET6 : UnixAddressFamily.AF_INET;

    public static Sockaddr ToSockaddr(IPEndPoint ep)
    {
        byte[] b = ep.Address.GetAddressBytes();
        ushort port = (ushort)IPAddress.HostToNetworkOrder((short)ep.Port);
        if (IsV6(ep.Address))
        {
            return new SockaddrIn6
            {
                sin6_family = UnixAddressFamily.AF_INET6,
                sin6_port = port,
                sin6_addr = new In6Addr(b),
                sin6_scope_id = (uint)ep.Address.ScopeId,
            };
        }
        return new SockaddrIn
        {
            sin_family = UnixAddressFamily.AF_INET,
            sin_port = port,
            sin_addr = new InAddr(b[0], b[1], b[2], b[3]),
        };
    }

    /// <summary>What getsockname/getpeername/accept filled in; EAFNOSUPPORT for anything but IPv4/IPv6.</summary>
    public static IPEndPoint FromStorage(string call, SockaddrStorage st)
    {
        switch (st.sa_family)
        {
            case UnixAddressFamily.AF_INET:
            {
                var a = SockaddrIn.FromSockaddrStorage(st);
                var b = new byte[4];
                a.sin_addr.CopyTo(b, 0);
                return new IPEndPoint(new IPAddress(b), Port(a.sin_port));
            }
            case UnixAddressFamily.AF_INET6:
            {
                var a = SockaddrIn6.FromSockaddrStorage(st);
                var b = new byte[16];
                a.sin6_addr.CopyTo(b, 0);
                return new IPEndPoint(new IPAddress(b, a.sin6_scope_id), Port(a.sin6_port));
            }
            default:
                throw new PosixException(call, Errno.EAFNOSUPPORT);
        }
    }

    private static int Port(ushort network) => (ushort)IPAddress.NetworkToHostOrder((short)network);
}
