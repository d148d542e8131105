// The session's data-connection state: the pending PASV/PORT channel and the EPSV ALL switch.
namespace FtpFork.Worker;

public sealed partial class Session
{
    /// <summary>The data connection the client set up with PASV/EPSV/PORT/EPRT (one transfer's worth).</summary>
    public DataChannel Data { get; } = new();

    /// <summary>Set by "EPSV ALL": from then on PASV, PORT and EPRT are refused (RFC 2428).</summary>
    public bool EpsvAll { get; set; }
}
