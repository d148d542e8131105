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
        if (Begin(s, $"Here comes the {what}.") is not int sock) return false;
        var pump = new DataPump(s, sock, MaxRate(s));
        var r = pump.SendMemory(data);
        End(s, sock, r, "Directory send OK.", WriteFailed, "Failure reading local file.");
        return r == PumpResult.Ok;
    }

    /// <summary>
    /// get_remote_transfer_fd: the data connection (425 and cleanup when it fails), then the data
    /// alarm replaces the idle one, the control connection keeps urgent bytes inline (Telnet
    /// Synch before ABOR), and the 150 mark goes out.
    /// </summary>
    public static int? Begin(Session s, string mark)
    {
        var sock = s.Data.Open(s);
        if (sock == null)
        {
            s.Data.Clear();
            return null;
        }
        TcpSocket.SetOobInline(s.Control.Fd);
        s.Timeouts.StartData();
        s.Control.Reply(ReplyCodes.FileStatusOk, mark);
        return sock;
    }

    /// <summary>Closes the data connection first (so no client truncates the data), then the final reply.</summary>
    public static void End(Session s, int sock, PumpResult r, string okText, string netText, string localText)
    {
        if (r == PumpResult.Ok) Posix.ShutdownWrite(sock); // a failure here (the client left) changes nothing
        Posix.Close(sock);
        s.Data.Clear();
        s.Timeouts.Stop();
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
