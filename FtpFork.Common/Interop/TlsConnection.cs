// One TLS connection (SSL) on a socket: the server handshake, reads and writes that report "would block", close_notify, what was negotiated.
using System.Runtime.InteropServices;
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

/// <summary>
/// Non-blocking use: a call that returns -1 (or false) must wait until the socket is ready for
/// what <see cref="WantsWrite"/> says, then be made again. Never used by two threads at once.
/// </summary>
public sealed unsafe class TlsConnection : IDisposable
{
    /// <summary>A data connection's read buffer: one read(2) takes many records (OpenSSL's default is one record).</summary>
    private const int BulkReadBuffer = 256 * 1024;
    private const ulong UnexpectedEofReason = 294; // SSL_R_UNEXPECTED_EOF_WHILE_READING
    private IntPtr _ssl;

    public int Fd { get; }

    /// <summary>After a call that would block: true when it waits for the socket to be writable, false for readable.</summary>
    public bool WantsWrite { get; private set; }

    /// <summary>A read returned 0 because the peer closed TCP without a close_notify (a cut a man in the middle could forge).</summary>
    public bool UncleanEof { get; private set; }

    internal TlsConnection(IntPtr ctx, int fd, bool bulk)
    {
        Native.ERR_clear_error();
        _ssl = Native.SSL_new(ctx);
        if (_ssl == IntPtr.Zero) throw TlsException.FromQueue("SSL_new");
        Fd = fd;
        if (Native.SSL_set_fd(_ssl, fd) != 1)
        {
            Dispose();
            throw TlsException.FromQueue("SSL_set_fd");
        }
        if (!bulk) return;
        Native.SSL_set_read_ahead(_ssl, 1);
        Native.SSL_set_default_read_buffer_len(_ssl, BulkReadBuffer);
    }

    /// <summary>One step of the server handshake: true when it is complete, false when it waits (<see cref="WantsWrite"/>); throws when it failed.</summary>
    public bool Accept()
    {
        Native.ERR_clear_error();
        int r = Native.SSL_accept(_ssl);
        if (r == 1) return true;
        int e = Native.SSL_get_error(_ssl, r);
        if (Waits(e)) return false;
        throw Failure("SSL_accept", e, r);
    }

    /// <summary>Decrypted bytes: the count, 0 at the peer's end (see <see cref="UncleanEof"/>), -1 when it would block; throws on a TLS or socket error.</summary>
    public long Read(Span<byte> buf)
    {
        Native.ERR_clear_error();
        int r;
        nuint n;
        fixed (byte* p = buf) r = Native.SSL_read_ex(_ssl, p, (nuint)buf.Length, out n);
        if (r == 1) return (long)n;
        int e = Native.SSL_get_error(_ssl, r);
        if (Waits(e)) return -1;
        if (e == Native.SSL_ERROR_ZERO_RETURN) return 0; // close_notify
        ulong q = Native.ERR_peek_error();
        if ((e == Native.SSL_ERROR_SYSCALL && q == 0 && Marshal.GetLastPInvokeError() == 0) ||
            (e == Native.SSL_ERROR_SSL && (q & 0x7FFFFF) == UnexpectedEofReason))
        {
            Native.ERR_clear_error();
            UncleanEof = true;
            return 0;
        }
        throw Failure("SSL_read", e, r);
    }

    /// <summary>Encrypts and sends from <paramref name="buf"/>: bytes taken (at least one record's worth), or -1 when it would block; throws on error.</summary>
    public long Write(ReadOnlySpan<byte> buf)
    {
        Native.ERR_clear_error();
        int r;
        nuint n;
        fixed (byte* p = buf) r = Native.SSL_write_ex(_ssl, p, (nuint)buf.Length, out n);
        if (r == 1) return (long)n;
        int e = Native.SSL_get_error(_ssl, r);
        if (Waits(e)) return -1;
        throw Failure("SSL_write", e, r);
    }

    /// <summary>
    /// A download's connection, after its handshake: records go out through a buffer of
    /// <paramref name="bytes"/>, so the socket gets a few large writes instead of one per 16 KiB
    /// record (measured: about a fifth less CPU for the sender on loopback). Shutdown flushes it.
    /// </summary>
    public void BufferWrites(int bytes)
    {
        IntPtr sock = Native.SSL_get_wbio(_ssl);
        IntPtr buf = Native.BIO_new(Native.BIO_f_buffer());
        if (sock == IntPtr.Zero || buf == IntPtr.Zero || Native.BIO_int_ctrl(buf, Native.BIO_C_SET_BUFF_SIZE, bytes, 1) != 1)
            throw TlsException.FromQueue("BIO_f_buffer");
        Native.BIO_up_ref(sock); // the chain holds its own reference; SSL drops the one it had as wbio
        Native.BIO_push(buf, sock);
        Native.SSL_set0_wbio(_ssl, buf);
        _buffered = true;
    }

    private bool _buffered, _shutdownSent;
    private int _shutdownResult;

    /// <summary>
    /// Sends close_notify (and what a write buffer still holds): 1 when the peer's close_notify
    /// has arrived too, 0 when only ours is out, -1 when it would block (call again: close_notify
    /// is sent once); throws when the connection is already broken.
    /// </summary>
    public int Shutdown()
    {
        if (!_shutdownSent)
        {
            Native.ERR_clear_error();
            int r = Native.SSL_shutdown(_ssl);
            if (r < 0)
            {
                int e = Native.SSL_get_error(_ssl, r);
                if (Waits(e)) return -1;
                throw Failure("SSL_shutdown", e, r);
            }
            _shutdownSent = true;
            _shutdownResult = r;
        }
        return _buffered && !Flush() ? -1 : _shutdownResult;
    }

    /// <summary>Writes out the write buffer: false when the socket is full (wait for writable, call again).</summary>
    private bool Flush()
    {
        IntPtr b = Native.SSL_get_wbio(_ssl);
        if (Native.BIO_ctrl(b, Native.BIO_CTRL_FLUSH, 0, IntPtr.Zero) == 1) return true;
        if (Native.BIO_test_flags(b, Native.BIO_FLAGS_SHOULD_RETRY) == 0)
            throw new TlsException("BIO_flush", Stdlib.strerror(NativeConvert.ToErrno(Marshal.GetLastPInvokeError())));
        WantsWrite = true;
        return false;
    }

    /// <summary>
    /// No TLS 1.3 ticket on this connection (an upload's: its client never reads, and a close with
    /// an unread ticket makes Linux reset the connection, dropping the client's last bytes).
    /// </summary>
    public void NoTickets() => Native.SSL_set_num_tickets(_ssl, 0);

    /// <summary>TLS 1.3: one more session ticket goes with the next write (a no-op under TLS 1.2).</summary>
    public void NewTicket()
    {
        if (Native.SSL_new_session_ticket(_ssl) != 1) Native.ERR_clear_error();
    }

    /// <summary>Decrypted bytes OpenSSL holds that no read has taken yet (poll on the socket would not show them).</summary>
    public bool Pending => Native.SSL_pending(_ssl) > 0;

    /// <summary>The handshake resumed an earlier session (abbreviated handshake, ticket or session id).</summary>
    public bool Reused => Native.SSL_session_reused(_ssl) == 1;

    public string Version => Marshal.PtrToStringUTF8(Native.SSL_get_version(_ssl)) ?? "?";

    public string Cipher
    {
        get
        {
            IntPtr c = Native.SSL_get_current_cipher(_ssl);
            return c == IntPtr.Zero ? "none" : Marshal.PtrToStringUTF8(Native.SSL_CIPHER_get_name(c)) ?? "?";
        }
    }

    /// <summary>The negotiated session, DER-encoded (i2d_SSL_SESSION): what another process's context can resume.</summary>
    public byte[] SessionDer()
    {
        IntPtr s = Native.SSL_get1_session(_ssl);
        if (s == IntPtr.Zero) throw new TlsException("SSL_get1_session", "no session");
        try
        {
            int len = Native.i2d_SSL_SESSION(s, null);
            if (len <= 0) throw TlsException.FromQueue("i2d_SSL_SESSION");
            var der = new byte[len];
            fixed (byte* p = der)
            {
                byte* q = p;
                if (Native.i2d_SSL_SESSION(s, &q) != len) throw TlsException.FromQueue("i2d_SSL_SESSION");
            }
            return der;
        }
        finally
        {
            Native.SSL_SESSION_free(s);
        }
    }

    /// <summary>SHA-256 of the client's certificate, or empty when it sent none.</summary>
    public byte[] PeerCertDigest()
    {
        IntPtr x = Native.SSL_get1_peer_certificate(_ssl);
        if (x == IntPtr.Zero) return Array.Empty<byte>();
        try
        {
            var d = new byte[64];
            uint len;
            fixed (byte* p = d)
                if (Native.X509_digest(x, Native.EVP_sha256(), p, out len) != 1) throw TlsException.FromQueue("X509_digest");
            return d.AsSpan(0, (int)len).ToArray();
        }
        finally
        {
            Native.X509_free(x);
        }
    }

    private bool Waits(int e)
    {
        if (e == Native.SSL_ERROR_WANT_READ) WantsWrite = false;
        else if (e == Native.SSL_ERROR_WANT_WRITE) WantsWrite = true;
        else return false;
        return true;
    }

    /// <summary>The error of a failed call: OpenSSL's queue, else errno (a reset), else the peer's plain EOF.</summary>
    private static TlsException Failure(string call, int e, int r)
    {
        if (Native.ERR_peek_error() != 0) return TlsException.FromQueue(call);
        if (e == Native.SSL_ERROR_SYSCALL)
        {
            int errno = Marshal.GetLastPInvokeError();
            return new TlsException(call, errno == 0 ? "the peer closed the connection" :
                Stdlib.strerror(NativeConvert.ToErrno(errno)));
        }
        return new TlsException(call, $"SSL error {e} (return {r})");
    }

    public void Dispose()
    {
        if (_ssl == IntPtr.Zero) return;
        Native.SSL_free(_ssl);
        _ssl = IntPtr.Zero;
    }
}
