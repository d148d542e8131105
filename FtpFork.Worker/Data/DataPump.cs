// Moves one transfer's bytes on a non-blocking data socket: sendfile, ASCII, uploads; watches for ABOR; throttles.
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public enum PumpResult { Ok, NetworkError, LocalError, DiskFull, Aborted }

public sealed class DataPump
{
    private const int SendFileChunk = 1 << 20;
    private const int SpliceChunk = 1 << 20; // the pipe's size: fs.pipe-max-size's default
    private const int BufferSize = 256 * 1024;
    private const short PollIn = 0x001, PollOut = 0x004;

    private readonly Session _s;
    private readonly int _data;
    private readonly TlsConnection? _tls; // PROT P: every byte goes through OpenSSL, never sendfile or splice
    private bool _tlsEnded;
    private readonly int _ctrl;
    private readonly RateLimiter _rate;
    private bool _watchControl = true;

    /// <summary>Bytes moved on the data connection.</summary>
    public long Bytes { get; private set; }

    /// <summary>Bytes that passed through managed buffers (0 for a binary RETR through sendfile).</summary>
    public long ManagedBytes { get; private set; }

    /// <param name="total">The bytes this transfer should move, for `ftpfork who` (-1: unknown, an upload).</param>
    public DataPump(Session s, DataConn conn, long maxRate, long total = -1)
    {
        s.Stats?.BeginTransfer(total);
        _s = s;
        _data = conn.Fd;
        _tls = conn.Tls;
        _ctrl = s.Control.Fd;
        _rate = new RateLimiter(maxRate);
    }

    /// <summary>RETR binary: the kernel copies file → socket (sendfile), from <paramref name="offset"/> to EOF.</summary>
    public PumpResult SendFile(int fileFd, long offset)
    {
        if (CheckControlNow()) return PumpResult.Aborted;
        while (true)
        {
            long n;
            try
            {
                n = TransferFiles.SendFile(_data, fileFd, ref offset, _rate.Chunk(SendFileChunk));
            }
            catch (PosixException e)
            {
                return e.IsNetworkGone ? PumpResult.NetworkError : PumpResult.LocalError;
            }
            if (n == 0) return PumpResult.Ok;
            if (n < 0)
            {
                if (WaitData(write: true)) continue;
                return PumpResult.Aborted;
            }
            if (Moved(n)) return PumpResult.Aborted;
        }
    }

    /// <summary>RETR through a buffer: ASCII (LF → CRLF) or use_sendfile=NO.</summary>
    public PumpResult SendFileBuffered(int fileFd, bool ascii)
    {
        if (CheckControlNow()) return PumpResult.Aborted;
        var buf = new byte[_rate.Chunk(BufferSize)];
        var outBuf = ascii ? new byte[buf.Length * 2] : buf;
        var conv = new Ascii.ToNetwork();
        while (true)
        {
            long n;
            try
            {
                n = FdIo.Read(fileFd, buf);
            }
            catch (PosixException)
            {
                return PumpResult.LocalError;
            }
            if (n == 0) return PumpResult.Ok;
            int len = ascii ? conv.Convert(buf.AsSpan(0, (int)n), outBuf) : (int)n;
            ManagedBytes += n;
            var r = WriteAll(outBuf.AsMemory(0, len));
            if (r != PumpResult.Ok) return r;
        }
    }

    /// <summary>A listing (or any bytes in memory) onto the data connection.</summary>
    public PumpResult SendMemory(ReadOnlyMemory<byte> data)
    {
        if (CheckControlNow()) return PumpResult.Aborted;
        ManagedBytes += data.Length;
        return WriteAll(data);
    }

    /// <summary>
    /// STOR/APPE/STOU: socket → file until the client closes the data connection; ASCII converts
    /// CRLF → LF. A binary upload with <paramref name="splice"/> (use_sendfile) moves the bytes
    /// inside the kernel, as sendfile does for RETR.
    /// </summary>
    public PumpResult ReceiveToFile(int fileFd, bool ascii, bool splice)
    {
        if (CheckControlNow()) return PumpResult.Aborted;
        if (!ascii && splice && _tls == null)
        {
            PumpResult? r = ReceiveSpliced(fileFd);
            if (r != null) return r.Value;
        }
        var buf = new byte[_rate.Chunk(BufferSize)];
        var outBuf = ascii ? new byte[buf.Length + 1] : buf;
        var conv = new Ascii.FromNetwork();
        while (true)
        {
            long n;
            try
            {
                n = _tls != null ? ReadTls(buf) : FdIo.Read(_data, buf);
            }
            catch (Exception e) when (e is PosixException or TlsException)
            {
                if (_tls != null && _s.Config.DebugSsl) _s.Log($"{_s.ClientIp}: upload: {e.Message}");
                return PumpResult.NetworkError;
            }
            if (n < 0)
            {
                if (WaitData(write: _tls?.WantsWrite ?? false)) continue;
                return PumpResult.Aborted;
            }
            if (n == 0 && _tls is { UncleanEof: true })
            {
                // A TCP FIN without close_notify: anyone on the path could have cut the upload short.
                if (_s.Config.StrictSslReadEof)
                {
                    _s.Log($"{_s.ClientIp}: upload ended without close_notify: failed (strict_ssl_read_eof)");
                    return PumpResult.NetworkError;
                }
                if (_s.Config.DebugSsl) _s.Log($"{_s.ClientIp}: upload ended without close_notify");
            }
            int len = !ascii ? (int)n : n == 0 ? conv.Finish(outBuf) : conv.Convert(buf.AsSpan(0, (int)n), outBuf);
            var w = WriteFile(fileFd, outBuf.AsSpan(0, len));
            if (w != PumpResult.Ok) return w;
            if (n == 0) return PumpResult.Ok;
            ManagedBytes += n;
            if (Moved(n)) return PumpResult.Aborted;
        }
    }

    /// <summary>
    /// Binary upload through a pipe with splice: socket → pipe → file, no copy into this process.
    /// Null when the file's file system refuses splice: what reached the pipe is written from a
    /// buffer and the caller goes on with read/write.
    /// </summary>
    private PumpResult? ReceiveSpliced(int fileFd)
    {
        SplicePipe pipe;
        try
        {
            pipe = SplicePipe.Open(SpliceChunk);
        }
        catch (PosixException)
        {
            return null; // out of fds for a pipe: the buffered loop needs none
        }
        using (pipe)
        {
            while (true)
            {
                long n;
                try
                {
                    n = pipe.FromSocket(_data, _rate.Chunk(SpliceChunk));
                }
                catch (PosixException)
                {
                    return PumpResult.NetworkError;
                }
                if (n < 0)
                {
                    if (WaitData(write: false)) continue;
                    return PumpResult.Aborted;
                }
                if (n == 0) return PumpResult.Ok;
                long moved;
                try
                {
                    moved = pipe.ToFile(fileFd, n);
                }
                catch (PosixException e)
                {
                    return e.IsDiskFull ? PumpResult.DiskFull : PumpResult.LocalError;
                }
                if (moved < n)
                {
                    var rest = new byte[n - moved];
                    for (long got = 0, r; got < rest.Length; got += r)
                        if ((r = pipe.Drain(rest.AsSpan((int)got))) <= 0) return PumpResult.LocalError;
                    var w = WriteFile(fileFd, rest);
                    if (w != PumpResult.Ok) return w;
                    ManagedBytes += rest.Length;
                    return Moved(n) ? PumpResult.Aborted : null;
                }
                if (Moved(n)) return PumpResult.Aborted;
            }
        }
    }

    private PumpResult WriteAll(ReadOnlyMemory<byte> data)
    {
        int off = 0;
        // Progress is counted per chunk, not per write: a TLS write takes one 16 KiB record, and
        // counting each would poll the control connection 16 times per 256 KiB.
        int chunkSize = _rate.Chunk(BufferSize);
        long uncounted = 0;
        while (off < data.Length)
        {
            long n;
            try
            {
                var chunk = data.Span.Slice(off, Math.Min(data.Length - off, chunkSize));
                n = _tls != null ? _tls.Write(chunk) : FdIo.Write(_data, chunk);
            }
            catch (Exception e) when (e is PosixException or TlsException)
            {
                if (_tls != null && _s.Config.DebugSsl) _s.Log($"{_s.ClientIp}: download: {e.Message}");
                return PumpResult.NetworkError;
            }
            if (n < 0)
            {
                if (uncounted > 0 && Moved(uncounted)) return PumpResult.Aborted;
                uncounted = 0;
                if (WaitData(write: _tls?.WantsWrite ?? true)) continue;
                return PumpResult.Aborted;
            }
            off += (int)n;
            uncounted += n;
            if (uncounted < chunkSize && off < data.Length) continue;
            if (Moved(uncounted)) return PumpResult.Aborted;
            uncounted = 0;
        }
        return PumpResult.Ok;
    }

    /// <summary>
    /// Decrypted upload bytes: records are taken until the buffer is nearly full or the socket
    /// has no more, so the file gets big writes (one record is at most 16 KiB). 0 at the end,
    /// -1 when nothing is there yet.
    /// </summary>
    private long ReadTls(Span<byte> buf)
    {
        if (_tlsEnded) return 0;
        int got = 0;
        do
        {
            long n = _tls!.Read(buf[got..]);
            if (n > 0)
            {
                got += (int)n;
                continue;
            }
            if (n == 0) _tlsEnded = true;
            break;
        }
        while (buf.Length - got >= MaxRecord);
        return got > 0 ? got : _tlsEnded ? 0 : -1;
    }

    private const int MaxRecord = 16 * 1024;

    private static PumpResult WriteFile(int fd, ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            try
            {
                long n = FdIo.Write(fd, data);
                data = data[(int)n..];
            }
            catch (PosixException e)
            {
                return e.IsDiskFull ? PumpResult.DiskFull : PumpResult.LocalError;
            }
        }
        return PumpResult.Ok;
    }

    /// <summary>Counts a chunk: the data alarm's progress flag, then the rate limit. True when ABOR came.</summary>
    private bool Moved(long n)
    {
        Bytes += n;
        _s.Stats?.Progress(Bytes);
        _s.Timeouts.Progress();
        int pauseMs = _rate.Account(n);
        if (pauseMs > 0) return Pause(pauseMs);
        return CheckControlNow();
    }

    /// <summary>Sleeps to keep the average at the rate, still answering ABOR.</summary>
    private bool Pause(int ms)
    {
        var until = Environment.TickCount64 + ms;
        while (true)
        {
            long left = until - Environment.TickCount64;
            if (left <= 0) return false;
            if (!_watchControl)
            {
                Thread.Sleep((int)left);
                continue;
            }
            var (c, _) = FdIo.Poll(_ctrl, false, -1, (int)left);
            if (c != 0 && ControlSaysAbort()) return true;
        }
    }

    /// <summary>Waits for the data socket (and the control connection). False when ABOR came.</summary>
    private bool WaitData(bool write)
    {
        var (d, c) = FdIo.Poll(_data, write, _watchControl ? _ctrl : -1, -1);
        if (c != 0 && ControlSaysAbort()) return false;
        return true;
    }

    private bool CheckControlNow()
    {
        if (!_watchControl) return false;
        if (TakeAbor()) return true;
        var (c, _) = FdIo.Poll(_ctrl, false, -1, 0);
        return c != 0 && ControlSaysAbort();
    }

    /// <summary>The control connection is readable: take what came; ABOR stops the transfer.</summary>
    private bool ControlSaysAbort()
    {
        if (!_s.Control.Reader.FillOnce())
        {
            _watchControl = false; // EOF or a full buffer: the loop after the transfer deals with it
            return false;
        }
        return TakeAbor();
    }

    /// <summary>
    /// An ABOR anywhere among the buffered lines is taken now; every other command stays buffered
    /// and is answered, in order, after the transfer.
    /// </summary>
    private bool TakeAbor() => _s.Control.Reader.TakeLine(l =>
        l.Status == LineStatus.Ok && l.Text.Trim().Equals("ABOR", StringComparison.OrdinalIgnoreCase));

}
