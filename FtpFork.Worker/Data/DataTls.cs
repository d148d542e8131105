// PROT P data connections: the handshake (it must resume the control connection's session), and close_notify at the end.
using FtpFork.Common.Accounts;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public static class DataTls
{
    public const string ReuseRequired = "SSL connection failed: session reuse required";
    public const string Failed = "SSL connection failed";
    private const int BulkWrite = 256 * 1024;

    /// <summary>
    /// force_local_data_ssl / force_anon_data_ssl: a clear-text data connection is refused before
    /// it is made ("522 Data connections must be encrypted.", as vsftpd). True when refused.
    /// </summary>
    public static bool RefusedInClear(Session s)
    {
        var c = s.Config;
        if (!c.SslEnable || s.DataProtected) return false;
        bool anon = s.User != null && LoginNames.IsAnonymous(s.User);
        if (!(anon ? c.ForceAnonDataSsl : c.ForceLocalDataSsl)) return false;
        s.Control.Reply(ReplyCodes.DataTlsRequired, "Data connections must be encrypted.");
        return true;
    }

    /// <summary>
    /// After the 150: the server side of the data connection's handshake, bounded by the data
    /// alarm. With require_ssl_reuse it must resume this FTP session's TLS session; a client
    /// certificate on the control connection must be the data connection's too. Else 522, a log
    /// line with why, and null (the socket is closed).
    /// </summary>
    public static DataConn? Accept(Session s, int sock, bool upload)
    {
        TlsConnection? c = null;
        string? why = null;
        try
        {
            c = s.Tls!.NewConnection(sock, bulk: true);
            if (upload) c.NoTickets(); // downloads bring a fresh ticket (read with the data); the control connection does after each 226
            while (!c.Accept()) FdIo.Poll(sock, c.WantsWrite, -1, -1);
            byte[] control = s.ControlCertDigest;
            if (s.Config.RequireSslReuse && !c.Reused)
                why = "not a resumption of the control connection's TLS session (require_ssl_reuse)";
            else if (control.Length > 0 && !control.AsSpan().SequenceEqual(c.PeerCertDigest()))
                why = "not the control connection's client certificate";
        }
        catch (TlsException e)
        {
            why = "TLS handshake failed: " + e.Why +
                (s.Tls!.HasCertificate ? "" : " (this process resumes sessions only: require_ssl_reuse)");
        }
        catch (PosixException e)
        {
            why = "TLS handshake failed: " + e.Message;
        }
        if (why == null)
        {
            if (!upload) c!.BufferWrites(BulkWrite);
            if (s.Config.DebugSsl) s.Log($"{s.ClientIp}: data connection: {c!.Version}, {c.Cipher}, {(c.Reused ? "reused" : "not reused")}");
            return new DataConn(sock, c);
        }
        s.Log($"{s.ClientIp}: {s.User ?? "(not logged in)"}: data connection refused: {why}");
        if (c != null)
        {
            try { c.Shutdown(); } catch (TlsException) { }
            c.Dispose();
        }
        Posix.Close(sock);
        s.Data.Clear();
        s.Timeouts.Stop();
        s.Control.Reply(ReplyCodes.DataTlsRequired, s.Config.RequireSslReuse ? ReuseRequired : Failed);
        return null;
    }

    /// <summary>
    /// close_notify at the end of a transfer that went through (or was aborted); with
    /// strict_ssl_write_shutdown a download must see the client's close_notify too, else it failed.
    /// Returns the transfer's result, changed to NetworkError when that check fails.
    /// </summary>
    public static PumpResult Close(Session s, TlsConnection c, PumpResult r, bool upload)
    {
        if (r is not (PumpResult.Ok or PumpResult.Aborted)) return r;
        try
        {
            int done;
            while ((done = c.Shutdown()) < 0) FdIo.Poll(c.Fd, c.WantsWrite, -1, -1);
            if (done == 1 || upload || !s.Config.StrictSslWriteShutdown || r != PumpResult.Ok) return r;
            // strict_ssl_write_shutdown: the client's close_notify confirms it has every byte.
            var buf = new byte[256];
            long n;
            while ((n = c.Read(buf)) != 0)
                if (n < 0) FdIo.Poll(c.Fd, c.WantsWrite, -1, -1);
            if (!c.UncleanEof) return r;
            s.Log($"{s.ClientIp}: download ended without the client's close_notify (strict_ssl_write_shutdown)");
            return PumpResult.NetworkError;
        }
        catch (TlsException e)
        {
            if (s.Config.DebugSsl) s.Log($"{s.ClientIp}: data connection close: {e.Why}");
            return upload || !s.Config.StrictSslWriteShutdown ? r : PumpResult.NetworkError;
        }
    }
}
