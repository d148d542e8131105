// Moving bytes on the data connection, with the 150/226/425/426 replies around it (to be completed).
namespace FtpFork.Worker;

public static class DataTransfer
{
    /// <summary>
    /// Sends <paramref name="data"/> (a listing) over the data connection the client set up with
    /// PASV/EPSV/PORT/EPRT: replies 150 before and 226 after, 425 when no connection can be made,
    /// 426 when it breaks. Returns true when every byte was sent.
    /// </summary>
    public static bool SendBytes(Session s, string what, ReadOnlyMemory<byte> data)
    {
        s.Control.Reply(ReplyCodes.CantOpenDataConnection, "Use PORT or PASV first.");
        return false;
    }
}
