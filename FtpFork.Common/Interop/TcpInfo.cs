// getsockopt(TCP_INFO) and ioctl(SIOCOUTQ): what the kernel knows of a connection's bytes (reuse checks, the data alarm, hand-overs).
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

/// <summary>
/// The parts of struct tcp_info FtpFork reads: the state, the bytes the peer acknowledged and the
/// bytes it sent (both as raw sequence-space counts: a FIN counts one), and SO_ERROR read with it.
/// </summary>
public readonly record struct TcpInfo(byte State, ulong BytesAcked, ulong BytesReceived, int SoError)
{
    /// <summary>tcpi_state values (linux/tcp_states.h).</summary>
    public const byte Established = 1, TimeWait = 6, Close = 7, CloseWait = 8, LastAck = 9, Closing = 11;

    /// <summary>
    /// Whether the peer's FIN is counted in BytesReceived: it has come in every state after it
    /// (CLOSE_WAIT, LAST_ACK, CLOSING, TIME_WAIT), and in CLOSE when a reset came after it: the kernel
    /// then records EPIPE (tcp_reset in CLOSE_WAIT), not ECONNRESET. A probe that sends "QUIT\r\n",
    /// closes, and resets at the 221 it did not wait for ends in CLOSE with 7 counted.
    /// </summary>
    public bool FinReceived => State is CloseWait or LastAck or Closing or TimeWait
        || (State == Close && SoError == (int)Errno.EPIPE);

    /// <summary>The data bytes the peer sent, whether or not anyone read them (its FIN not counted).</summary>
    public long DataReceived => (long)BytesReceived - (FinReceived && BytesReceived > 0 ? 1 : 0);

    /// <summary>Reset by the peer, or closed on both sides: nothing more can be said on it.</summary>
    public bool IsClosed => State == Close;
}

public static unsafe class TcpInfoCall
{
    // struct tcp_info (linux/tcp.h): tcpi_bytes_acked and tcpi_bytes_received, __u64s at 120 and 128 since Linux 4.1/4.2.
    private const int BytesAckedOffset = 120, BytesReceivedOffset = 128, Size = 232;

    /// <summary>TCP_INFO of a TCP socket (and SO_ERROR, which reading clears); null on a kernel without the byte counts.</summary>
    public static TcpInfo? Read(int fd)
    {
        byte* info = stackalloc byte[Size];
        uint len = 0;
        Posix.Check("getsockopt(TCP_INFO)", () =>
        {
            len = Size;
            return Native.getsockopt(fd, Native.IPPROTO_TCP, Native.TCP_INFO, info, ref len);
        });
        if (len < BytesReceivedOffset + sizeof(ulong)) return null;
        int err = 0;
        Posix.Check("getsockopt(SO_ERROR)", () => Syscall.getsockopt(fd, UnixSocketProtocol.SOL_SOCKET, UnixSocketOptionName.SO_ERROR, out err));
        return new TcpInfo(info[0], *(ulong*)(info + BytesAckedOffset), *(ulong*)(info + BytesReceivedOffset), err);
    }

    /// <summary>tcpi_bytes_acked alone (the data alarm's sample of a download: what the client's kernel took).</summary>
    public static long BytesAcked(int fd)
    {
        byte* info = stackalloc byte[Size];
        uint len = 0;
        Posix.Check("getsockopt(TCP_INFO)", () =>
        {
            len = Size;
            return Native.getsockopt(fd, Native.IPPROTO_TCP, Native.TCP_INFO, info, ref len);
        });
        return len < BytesAckedOffset + sizeof(ulong) ? 0 : (long)*(ulong*)(info + BytesAckedOffset);
    }

    /// <summary>
    /// ioctl(SIOCOUTQ): bytes sent on the socket its peer has not taken yet. On a Unix socket a
    /// message stays charged to its sender until received, so a worker's channel shows 0 once the
    /// worker has read its CLIENT; on a TCP socket it is what is not acknowledged yet.
    /// </summary>
    public static int SendQueue(int fd)
    {
        int* n = stackalloc int[1];
        Posix.Check("ioctl(SIOCOUTQ)", () => Native.ioctl(fd, Native.SIOCOUTQ, n));
        return *n;
    }
}
