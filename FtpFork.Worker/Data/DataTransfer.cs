// Moving bytes on the data connection, with the 150/226/425/426 replies around it.
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public static class DataTransfer
{
    public const string WriteFailed = "Failure writing network stream.";
    public const string ReadFailed = "Failure reading network stream.";

    /// <summary>
    /// Sends <paramref name="data"/> (a listing) over the data connection the client set up with
    /// PASV/EPSV/PORT/EPRT: 150 "Here comes the <paramref name="what"/>." (vsftpd's "Here comes the
    /// directory listing." for "directory listing"), then 226 "Directory send OK."; 425 when no connection can be made,
    /// 426 when it breaks or ABOR stops it. Returns true when every byte was sent.
    /// </summary>
    public static bool SendBytes(Session s, string what, ReadOnlyMemory<byte> data)
    {
        if (Begin(s, $"Here comes the {what}.") is not DataConn conn) return false;
        var pump = new DataPump(s, conn, MaxRate(s), data.Length);
        var r = pump.SendMemory(data);
        End(s, conn, r, "Directory send OK.", WriteFailed, "Failure reading local file.");
        return r == PumpResult.Ok;
    }

    /// <summary>
    /// data_transfer_checks_ok: a PASV/PORT first (425), and with force_*_data_ssl no clear-text
    /// data connection (522). False after that reply.
    /// </summary>
    public static bool ChecksOk(Session s)
    {
        if (!s.Data.IsSet)
        {
            s.Control.Reply(ReplyCodes.CantOpenDataConnection, "Use PORT or PASV first.");
            return false;
        }
        return !DataTls.RefusedInClear(s);
    }

    /// <summary>
    /// get_remote_transfer_fd: the data connection (425 and cleanup when it fails), then the data
    /// alarm replaces the idle one, the control connection keeps urgent bytes inline (Telnet
    /// Synch before ABOR), the 150 mark goes out, and under PROT P the TLS handshake follows (522
    /// when it fails or does not resume the control connection's session). A download's progress
    /// is what the client's kernel acknowledged (TCP_INFO), an <paramref name="upload"/>'s what the pump reads.
    /// </summary>
    public static DataConn? Begin(Session s, string mark, bool upload = false)
    {
        if (DataTls.RefusedInClear(s)) return null;
        var sock = s.Data.Open(s);
        if (sock == null)
        {
            s.Data.Clear();
            return null;
        }
        if (s.Control.IsTcp) TcpSocket.SetOobInline(s.Control.Fd); // a TLS control connection has no urgent bytes
        int fd = sock.Value;
        s.Timeouts.StartData(upload ? null : () => TcpInfoCall.BytesAcked(fd));
        s.Control.Reply(ReplyCodes.FileStatusOk, mark);
        return s.DataProtected ? DataTls.Accept(s, sock.Value, upload) : new DataConn(sock.Value, null);
    }

    /// <summary>
    /// Closes the data connection first (so no client truncates the data; under TLS with
    /// close_notify), then the final reply.
    /// </summary>
    public static void End(Session s, DataConn conn, PumpResult r, string okText, string netText, string localText, bool upload = false)
    {
        int sock = conn.Fd;
        if (conn.Tls != null)
        {
            r = DataTls.Close(s, conn.Tls, r, upload);
            conn.Tls.Dispose();
        }
        else if (r == PumpResult.Ok) Posix.ShutdownWrite(sock); // a failure here (the client left) changes nothing
        s.Timeouts.Stop(); // before the close: the alarm's sampler reads the socket
        Posix.Close(sock);
        s.Data.Clear();
        switch (r)
        {
            case PumpResult.Ok:
                s.Control.Reply(ReplyCodes.TransferComplete, okText);
                break;
            case PumpResult.NetworkError:
                s.Control.Reply(ReplyCodes.TransferAborted, netText);
                break;
            case PumpResult.Aborted:
                s.Control.Reply(ReplyCodes.TransferAborted, netText);
                s.Control.Reply(ReplyCodes.TransferComplete, "ABOR successful.");
                break;
            case PumpResult.LocalError:
                s.Control.Reply(ReplyCodes.LocalError, localText);
                break;
            case PumpResult.DiskFull:
                s.Control.Reply(ReplyCodes.InsufficientStorage, "Insufficient storage space.");
                break;
        }
    }

    /// <summary>anon_max_rate for anonymous sessions, local_max_rate for the rest (bytes/s, 0 = unlimited).</summary>
    public static long MaxRate(Session s) => s.IsAnonymous ? s.Config.AnonMaxRate : s.Config.LocalMaxRate;
}
