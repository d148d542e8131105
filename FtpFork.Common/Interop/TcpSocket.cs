// TCP sockets as plain fds (no System.Net.Sockets): create, bind, listen, accept, connect, options, addresses, send/recv.
using System.Net;
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public static unsafe class TcpSocket
{
    /// <summary>
    /// A new TCP socket for <paramref name="family"/>'s address family, close-on-exec; an IPv6 one is
    /// IPv6-only (no IPv4-mapped peers), as System.Net.Sockets made it.
    /// </summary>
    public static int Open(IPAddress family, bool nonBlocking)
    {
        var flags = UnixSocketFlags.SOCK_CLOEXEC | (nonBlocking ? UnixSocketFlags.SOCK_NONBLOCK : 0);
        int fd = (int)Posix.Check("socket", () => Syscall.socket(SockaddrConvert.FamilyOf(family), UnixSocketType.SOCK_STREAM,
            flags, UnixSocketProtocol.IPPROTO_TCP));
        if (SockaddrConvert.IsV6(family))
        {
            try
            {
                SetIntOption(fd, Native.IPPROTO_IPV6, Native.IPV6_V6ONLY, 1, "setsockopt(IPV6_V6ONLY)");
            }
            catch
            {
                Posix.Close(fd);
                throw;
            }
        }
        return fd;
    }

    public static void Bind(int fd, IPEndPoint ep)
    {
        var sa = SockaddrConvert.ToSockaddr(ep);
        Posix.Check("bind", () => Syscall.bind(fd, sa));
    }

    public static void Listen(int fd, int backlog) => Posix.Check("listen", () => Syscall.listen(fd, backlog));

    /// <summary>
    /// accept4: the new connection (close-on-exec and non-blocking) and its peer; -1 when none is
    /// pending on a non-blocking listener (EAGAIN).
    /// </summary>
    public static int Accept(int fd, out IPEndPoint? peer)
    {
        peer = null;
        var st = new SockaddrStorage();
        int r = (int)Posix.CheckOrAgain("accept4", () => Syscall.accept4(fd, st, UnixSocketFlags.SOCK_CLOEXEC | UnixSocketFlags.SOCK_NONBLOCK));
        if (r < 0) return -1;
        try
        {
            peer = SockaddrConvert.FromStorage("accept4", st);
        }
        catch
        {
            Posix.Close(r);
            throw;
        }
        return r;
    }

    /// <summary>
    /// Starts a connect on a non-blocking socket: true when already connected, false while it is
    /// in progress (wait for writability, then check <see cref="PendingError"/>).
    /// </summary>
    public static bool Connect(int fd, IPEndPoint ep)
    {
        var sa = SockaddrConvert.ToSockaddr(ep);
        if (Syscall.connect(fd, sa) == 0) return true;
        Errno e = Stdlib.GetLastError();
        // EINTR: the connection goes on in the background (retrying would only say EALREADY).
        if (e is Errno.EINPROGRESS or Errno.EAGAIN or Errno.EINTR or Errno.EALREADY) return false;
        throw new PosixException("connect", e);
    }

    /// <summary>SO_ERROR: 0, or the errno a non-blocking connect ended with.</summary>
    public static int PendingError(int fd)
    {
        int v = 0;
        Posix.Check("getsockopt(SO_ERROR)", () => Syscall.getsockopt(fd, UnixSocketProtocol.SOL_SOCKET, UnixSocketOptionName.SO_ERROR, out v));
        return v;
    }

    public static IPEndPoint LocalEndPoint(int fd)
    {
        var st = new SockaddrStorage();
        Posix.Check("getsockname", () => Syscall.getsockname(fd, st));
        return SockaddrConvert.FromStorage("getsockname", st);
    }

    public static IPEndPoint PeerEndPoint(int fd)
    {
        var st = new SockaddrStorage();
        Posix.Check("getpeername", () => Syscall.getpeername(fd, st));
        return SockaddrConvert.FromStorage("getpeername", st);
    }

    /// <summary>SO_REUSEADDR (+ SO_REUSEPORT when <paramref name="andPort"/>): what System.Net.Sockets set for ReuseAddress.</summary>
    public static void SetReuseAddress(int fd, bool andPort = false)
    {
        SetSocketOption(fd, UnixSocketOptionName.SO_REUSEADDR, "setsockopt(SO_REUSEADDR)");
        if (andPort) SetSocketOption(fd, UnixSocketOptionName.SO_REUSEPORT, "setsockopt(SO_REUSEPORT)");
    }

    /// <summary>SO_OOBINLINE: urgent bytes (a Telnet Synch before ABOR) arrive in the normal stream.</summary>
    public static void SetOobInline(int fd) => SetSocketOption(fd, UnixSocketOptionName.SO_OOBINLINE, "setsockopt(SO_OOBINLINE)");

    /// <summary>TCP_NODELAY: no Nagle delay for small writes in a row.</summary>
    public static void SetNoDelay(int fd) => SetIntOption(fd, Native.IPPROTO_TCP, Native.TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)");

    /// <summary>recv(2): bytes read, 0 at EOF, -1 when a non-blocking socket has nothing (EAGAIN); EINTR retried.</summary>
    public static long Receive(int fd, Span<byte> buf)
    {
        fixed (byte* p = buf)
        {
            byte* q = p;
            ulong len = (ulong)buf.Length;
            return Posix.CheckOrAgain("recv", () => Syscall.recv(fd, q, len, 0));
        }
    }

    /// <summary>One send(2) with MSG_NOSIGNAL: bytes sent, -1 when a non-blocking socket is full (EAGAIN); a gone peer throws (EPIPE).</summary>
    public static long Send(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            byte* q = p;
            ulong len = (ulong)data.Length;
            return Posix.CheckOrAgain("send", () => Syscall.send(fd, q, len, MessageFlags.MSG_NOSIGNAL));
        }
    }

    /// <summary>
    /// send(2) with MSG_NOSIGNAL (a gone peer is EPIPE, never SIGPIPE) until every byte is out;
    /// EINTR retried, a full non-blocking socket waited for.
    /// </summary>
    public static void SendAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            byte* q = p;
            int off = 0, total = data.Length;
            while (off < total)
            {
                long r = Posix.CheckOrAgain("send", () => Syscall.send(fd, q + off, (ulong)(total - off), MessageFlags.MSG_NOSIGNAL));
                if (r >= 0) off += (int)r;
                else FdIo.Poll(fd, true, -1, -1); // full: wait until it drains
            }
        }
    }

    private static void SetSocketOption(int fd, UnixSocketOptionName name, string call) =>
        Posix.Check(call, () => Syscall.setsockopt(fd, UnixSocketProtocol.SOL_SOCKET, name, 1));

    /// <summary>Options outside SOL_SOCKET: Mono.Posix maps only SO_* names, so these go to libc directly.</summary>
    private static void SetIntOption(int fd, int level, int name, int value, string call)
    {
        int* v = &value;
        Posix.Check(call, () => Native.setsockopt(fd, level, name, v, sizeof(int)));
    }

    /// <summary>True when <paramref name="fd"/> is an open socket (what a passed control connection must be).</summary>
    public static bool IsSocket(int fd) =>
        Syscall.fstat(fd, out var st) == 0 && (st.st_mode & FilePermissions.S_IFMT) == FilePermissions.S_IFSOCK;
}
