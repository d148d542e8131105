// The control connection's TLS: a thread that does the handshake, then moves plaintext between the TLS socket and a socketpair.
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

/// <summary>
/// The session reads and writes the plain end of a socketpair as it would a TCP socket; this
/// thread owns the TLS connection on the client's socket and relays both ways, so no other
/// thread ever touches the SSL object (a signal-thread 421 is a plain write like any other).
/// When the session moves to another process at login, that process gets the plain end and this
/// process stays as the relay (SECURITY.md). Ends when either side has ended: the session's end
/// (EOF) is followed by close_notify; the client's end by EOF on the plain side.
/// </summary>
public sealed class TlsRelay
{
    private const int Chunk = 16 * 1024;
    private const int FlushMs = 10_000; // after the session ended: how long the last replies may take to leave
    private readonly TlsContext _ctx;
    private readonly int _tcp, _plain;
    private readonly Action<string> _log;
    private readonly string _who;
    private readonly bool _debug;
    private readonly ManualResetEventSlim _ended = new();
    private readonly ManualResetEventSlim _handshake = new();
    private TlsConnection? _conn;
    private readonly object _gate = new();
    private bool _closed;

    /// <summary>Set once the handshake completed: the session and client certificate digest (what a moved session resumes).</summary>
    public byte[]? SessionDer { get; private set; }
    public byte[] PeerCertDigest { get; private set; } = Array.Empty<byte>();
    public string Version { get; private set; } = "";

    /// <summary>Takes over <paramref name="tcp"/> (the client's socket) and <paramref name="plain"/> (its end of the pair); both closed at the end.</summary>
    private TlsRelay(TlsContext ctx, int tcp, int plain, Action<string> log, string who, bool debug)
    {
        _ctx = ctx;
        _tcp = tcp;
        _plain = plain;
        _log = log;
        _who = who;
        _debug = debug;
    }

    public static TlsRelay Start(TlsContext ctx, int tcp, int plain, Action<string> log, string who, bool debug)
    {
        var r = new TlsRelay(ctx, tcp, plain, log, who, debug);
        ProcessCalls.StartThread("tls-relay", r.Run); // a native thread: no spin while it starts
        return r;
    }

    /// <summary>Waits until the handshake is over (true when it succeeded) or the relay ended.</summary>
    public bool WaitHandshake()
    {
        _handshake.Wait();
        return SessionDer != null;
    }

    /// <summary>Waits for the relay to end, at most <paramref name="ms"/>.</summary>
    public bool Join(int ms) => _ended.Wait(ms);

    /// <summary>
    /// From any thread, when the process is about to end: stops reading the client (a handshake
    /// waiting for a silent client ends at once) and waits a little for the last bytes to leave.
    /// </summary>
    public void Finish(int ms)
    {
        lock (_gate)
            if (!_closed) Posix.ShutdownRead(_tcp); // never on a closed (maybe reused) fd number
        _ended.Wait(ms);
    }

    private void Run()
    {
        try
        {
            FdIo.SetNonBlocking(_tcp);
            FdIo.SetNonBlocking(_plain);
            _conn = _ctx.NewConnection(_tcp, bulk: false);
            if (Handshake()) Pump();
        }
        catch (Exception e) when (e is PosixException or TlsException)
        {
            _log($"{_who}: TLS relay: {e.Message}");
        }
        finally
        {
            _handshake.Set();
            _conn?.Dispose();
            lock (_gate)
            {
                _closed = true;
                Posix.Close(_tcp);
            }
            Posix.Close(_plain); // the session sees EOF (or EPIPE) if it still reads or writes
            _ended.Set();
        }
    }

    private bool Handshake()
    {
        var c = _conn!;
        try
        {
            while (!c.Accept())
                FdIo.Poll(_tcp, c.WantsWrite, -1, -1);
        }
        catch (TlsException e)
        {
            _log($"{_who}: TLS handshake failed: {e.Why}");
            return false;
        }
        Version = c.Version;
        PeerCertDigest = c.PeerCertDigest();
        SessionDer = c.SessionDer();
        if (_debug) _log($"{_who}: control connection: {c.Version}, {c.Cipher}{(PeerCertDigest.Length > 0 ? ", client certificate" : "")}");
        _handshake.Set();
        return true;
    }

    /// <summary>Both directions, non-blocking, one bounded buffer each: neither side can stall the other's traffic.</summary>
    private void Pump()
    {
        var c = _conn!;
        var up = new byte[Chunk];   // client → session
        var down = new byte[Chunk]; // session → client
        int upOff = 0, upLen = 0, downOff = 0, downLen = 0;
        bool clientDone = false, sessionDone = false, clientGone = false, lineStart = true;
        long flushUntil = 0;
        while (true)
        {
            bool moved = false;
            bool tcpRead = false, tcpWrite = false, plainRead = false, plainWrite = false;
            if (!clientDone && upLen == 0)
            {
                long n;
                try
                {
                    n = c.Read(up);
                }
                catch (TlsException e)
                {
                    if (_debug) _log($"{_who}: control connection: {e.Why}");
                    n = 0;
                    clientGone = true;
                }
                if (n > 0) { upOff = 0; upLen = (int)n; moved = true; }
                else if (n == 0)
                {
                    // The client's end (close_notify, EOF, an alert): the session sees EOF.
                    clientDone = true;
                    moved = true;
                    Posix.ShutdownWrite(_plain);
                }
                else if (c.WantsWrite) tcpWrite = true;
                else tcpRead = true;
            }
            if (upLen > 0)
            {
                long w;
                try
                {
                    w = TcpSocket.Send(_plain, up.AsSpan(upOff, upLen));
                }
                catch (PosixException)
                {
                    w = upLen; // the session is gone: what it would have read is dropped
                    sessionDone = true;
                }
                if (w > 0) { upOff += (int)w; upLen -= (int)w; moved = true; }
                else plainWrite = true;
            }
            if (!sessionDone && downLen == 0)
            {
                long n;
                try
                {
                    n = TcpSocket.Receive(_plain, down);
                }
                catch (PosixException)
                {
                    n = 0;
                }
                if (n > 0)
                {
                    downOff = 0;
                    downLen = (int)n;
                    moved = true;
                    // After each transfer's 226 a fresh TLS 1.3 ticket rides with the reply: a client that
                    // uses each ticket once for a data connection always has one (uploads bring none).
                    if (EndsTransfer(down.AsSpan(0, downLen), lineStart)) c.NewTicket();
                    lineStart = down[downLen - 1] == (byte)'\n';
                }
                else if (n == 0) { sessionDone = true; moved = true; }
                else plainRead = true;
            }
            if (downLen > 0 && !clientGone)
            {
                long w;
                try
                {
                    w = c.Write(down.AsSpan(downOff, downLen));
                }
                catch (TlsException e)
                {
                    if (_debug) _log($"{_who}: control connection: {e.Why}");
                    clientGone = clientDone = true;
                    Posix.ShutdownWrite(_plain);
                    w = 0;
                }
                if (w > 0) { downOff += (int)w; downLen -= (int)w; moved = true; }
                else if (!clientGone)
                {
                    if (c.WantsWrite) tcpWrite = true;
                    else tcpRead = true;
                }
            }
            if (clientGone) downLen = 0;
            if (sessionDone && downLen == 0)
            {
                if (!clientGone) CloseNotify(c);
                return;
            }
            if (moved) continue;
            int timeout = -1;
            if (sessionDone)
            {
                long now = Environment.TickCount64;
                if (flushUntil == 0) flushUntil = now + FlushMs;
                if (now >= flushUntil) return; // a client that reads nothing keeps no relay alive
                timeout = (int)(flushUntil - now);
            }
            FdIo.Poll2(_tcp, tcpRead, tcpWrite, _plain, plainRead, plainWrite, timeout);
        }
    }

    /// <summary>Whether <paramref name="b"/> holds the start of a "226 " reply line (lines may be cut between reads: a miss costs one ticket).</summary>
    private static bool EndsTransfer(ReadOnlySpan<byte> b, bool atLineStart)
    {
        if (atLineStart && b.StartsWith("226 "u8)) return true;
        return b.IndexOf("\n226 "u8) >= 0;
    }

    /// <summary>Our close_notify, with a short wait if the socket is full; the client's answer is not waited for.</summary>
    private static void CloseNotify(TlsConnection c)
    {
        try
        {
            for (int i = 0; i < 10 && c.Shutdown() < 0; i++) FdIo.Poll(c.Fd, c.WantsWrite, -1, 100);
        }
        catch (TlsException)
        {
            // the client is gone already
        }
    }
}
