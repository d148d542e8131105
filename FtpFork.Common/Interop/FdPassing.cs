// Messages over an AF_UNIX SOCK_SEQPACKET pair, optionally carrying one fd with SCM_RIGHTS.
using System.Runtime.InteropServices;
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public static class FdPassing
{
    public const int MaxMessage = 64 * 1024;

    /// <summary>Sends one message; with fd ≥ 0 the descriptor travels with it (the caller still owns its copy).</summary>
    public static void Send(int sock, byte[] payload, int fd = -1)
    {
        if (payload.Length == 0 || payload.Length > MaxMessage)
            throw new ArgumentException($"message of {payload.Length} bytes", nameof(payload));
        var handle = GCHandle.Alloc(payload, GCHandleType.Pinned);
        try
        {
            var msg = new Msghdr
            {
                msg_iov = new[] { new Iovec { iov_base = handle.AddrOfPinnedObject(), iov_len = (ulong)payload.Length } },
                msg_iovlen = 1,
            };
            if (fd >= 0)
            {
                long space = (long)Syscall.CMSG_SPACE(sizeof(int));
                msg.msg_control = new byte[space];
                msg.msg_controllen = space;
                long cmsg = Syscall.CMSG_FIRSTHDR(msg);
                new Cmsghdr
                {
                    cmsg_len = (long)Syscall.CMSG_LEN(sizeof(int)),
                    cmsg_level = UnixSocketProtocol.SOL_SOCKET,
                    cmsg_type = UnixSocketControlMessage.SCM_RIGHTS,
                }.WriteToBuffer(msg, cmsg);
                BitConverter.TryWriteBytes(msg.msg_control.AsSpan((int)Syscall.CMSG_DATA(msg, cmsg)), fd);
            }
            long sent = Posix.Check("sendmsg", () => Syscall.sendmsg(sock, msg, MessageFlags.MSG_NOSIGNAL));
            if (sent != payload.Length) throw new PosixException("sendmsg(short)", Errno.EMSGSIZE);
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>
    /// Receives one message. Returns null at EOF (the peer is gone). A passed descriptor comes back
    /// in <paramref name="fd"/> (close-on-exec), else -1.
    /// </summary>
    public static byte[]? Receive(int sock, out int fd)
    {
        fd = -1;
        // The next message's size first (MSG_PEEK|MSG_TRUNC gives a datagram's full length), so a
        // new worker does not clear and fault in 64 KiB per message it receives.
        long size = Posix.Check("recv(MSG_PEEK)", () => Syscall.recv(sock, IntPtr.Zero, 0, MessageFlags.MSG_PEEK | MessageFlags.MSG_TRUNC));
        var buffer = new byte[Math.Clamp(size, 1, MaxMessage)];
        var handle = GCHandle.Alloc(buffer, GCHandleType.Pinned);
        try
        {
            long space = (long)Syscall.CMSG_SPACE(sizeof(int) * 4);
            var msg = new Msghdr
            {
                msg_iov = new[] { new Iovec { iov_base = handle.AddrOfPinnedObject(), iov_len = (ulong)buffer.Length } },
                msg_iovlen = 1,
                msg_control = new byte[space],
                msg_controllen = space,
            };
            long n = Posix.Check("recvmsg", () => Syscall.recvmsg(sock, msg, MessageFlags.MSG_CMSG_CLOEXEC));
            for (long c = Syscall.CMSG_FIRSTHDR(msg); c != -1; c = Syscall.CMSG_NXTHDR(msg, c))
            {
                var h = Cmsghdr.ReadFromBuffer(msg, c);
                if (h.cmsg_level != UnixSocketProtocol.SOL_SOCKET || h.cmsg_type != UnixSocketControlMessage.SCM_RIGHTS) continue;
                long data = Syscall.CMSG_DATA(msg, c);
                int count = (int)((h.cmsg_len - (data - c)) / sizeof(int));
                for (int i = 0; i < count; i++)
                {
                    int got = BitConverter.ToInt32(msg.msg_control, (int)data + i * sizeof(int));
                    if (fd < 0) fd = got; else Posix.Close(got); // one fd per message; extras are closed
                }
            }
            if (n == 0 && fd < 0) return null;
            if ((msg.msg_flags & MessageFlags.MSG_TRUNC) != 0)
            {
                Posix.Close(fd);
                fd = -1;
                throw new PosixException("recvmsg(truncated)", Errno.EMSGSIZE);
            }
            return buffer.AsSpan(0, (int)n).ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>
    /// Receive without allocating (the worker image's wait loop): one message into
    /// <paramref name="buf"/>; its length (0 with fd -1 at EOF) and the fd passed with it
    /// (close-on-exec) or -1. A message longer than the buffer, or with more than one fd, throws.
    /// </summary>
    public static unsafe int ReceiveInto(int sock, Span<byte> buf, out int fd)
    {
        fd = -1;
        const int controlSize = 64; // CMSG_SPACE of a few ints
        ulong* control = stackalloc ulong[controlSize / 8];
        fixed (byte* p = buf)
        {
            var iov = new Native.IoVec { Base = p, Len = (nuint)buf.Length };
            var msg = new Native.MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = controlSize };
            long n = Posix.Check("recvmsg", (sock, (nint)(&msg)), &RecvMsg);
            int count = 0;
            if (msg.ControlLen >= (nuint)sizeof(Native.CmsgHdr))
            {
                var h = (Native.CmsgHdr*)control;
                if (h->Level == Native.SOL_SOCKET && h->Type == Native.SCM_RIGHTS)
                {
                    int* fds = (int*)((byte*)control + sizeof(Native.CmsgHdr));
                    count = (int)((h->Len - (nuint)sizeof(Native.CmsgHdr)) / sizeof(int));
                    for (int i = 0; i < count; i++)
                        if (i == 0) fd = fds[0]; else Posix.Close(fds[i]);
                }
            }
            if ((msg.Flags & (Native.MSG_TRUNC | Native.MSG_CTRUNC)) != 0 || count > 1)
            {
                Posix.Close(fd);
                fd = -1;
                throw new PosixException("recvmsg(truncated)", Errno.EMSGSIZE);
            }
            return (int)n;
        }
    }

    /// <summary>Send without allocating: one message, no fd; a peer that is gone throws (EPIPE, no SIGPIPE).</summary>
    public static unsafe void SendBytes(int sock, ReadOnlySpan<byte> payload)
    {
        fixed (byte* p = payload)
        {
            var iov = new Native.IoVec { Base = p, Len = (nuint)payload.Length };
            var msg = new Native.MsgHdr { Iov = &iov, IovLen = 1 };
            long sent = Posix.Check("sendmsg", (sock, (nint)(&msg)), &SendMsg);
            if (sent != payload.Length) throw new PosixException("sendmsg(short)", Errno.EMSGSIZE);
        }
    }

    private static unsafe long RecvMsg((int Sock, nint Msg) a) => Native.recvmsg(a.Sock, (Native.MsgHdr*)a.Msg, Native.MSG_CMSG_CLOEXEC);

    private static unsafe long SendMsg((int Sock, nint Msg) a) => Native.sendmsg(a.Sock, (Native.MsgHdr*)a.Msg, Native.MSG_NOSIGNAL);
}
