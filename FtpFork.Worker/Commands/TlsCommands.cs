// The TLS commands of RFC 4217 (AUTH, PBSZ, PROT, CCC) with vsftpd's replies; the Dispatcher has checked their order.
namespace FtpFork.Worker;

public static class TlsCommands
{
    /// <summary>
    /// AUTH TLS (TLS-C, SSL, TLS-P as vsftpd): 234, then the handshake. Bytes the client sent in
    /// clear behind AUTH are dropped, never read as if they had come over TLS; a USER given
    /// before must be given again (RFC 4217).
    /// </summary>
    public static void Auth(Session s, string arg)
    {
        string kind = arg.Trim().ToUpperInvariant();
        if (kind is not ("TLS" or "TLS-C" or "SSL" or "TLS-P"))
        {
            s.Control.Reply(ReplyCodes.BadParameter, "Unknown AUTH type.");
            return;
        }
        s.Control.Reply(ReplyCodes.AuthOk, "Proceed with negotiation.");
        int dropped = s.Control.Reader.Discard();
        if (dropped > 0) s.Log($"{s.ClientIp}: {dropped} bytes sent in clear after AUTH were dropped");
        s.PendingUser = null;
        s.StartTls();
        if (kind is "SSL" or "TLS-P") s.DataProtected = true;
    }

    public static void Pbsz(Session s, string arg)
    {
        s.PbszDone = true;
        s.Control.Reply(ReplyCodes.CommandOk, "PBSZ set to 0.");
    }

    public static void Prot(Session s, string arg)
    {
        switch (arg.Trim().ToUpperInvariant())
        {
            case "C":
                s.DataProtected = false;
                s.Control.Reply(ReplyCodes.CommandOk, "PROT now Clear.");
                break;
            case "P":
                s.DataProtected = true;
                s.Control.Reply(ReplyCodes.CommandOk, "PROT now Private.");
                break;
            case "S" or "E":
                s.Control.Reply(ReplyCodes.ProtNotSupported, "PROT not supported.");
                break;
            default:
                s.Control.Reply(ReplyCodes.BadParameter, "PROT not recognized.");
                break;
        }
    }

    /// <summary>CCC: the control connection is never cleared (vsftpd has no CCC; RFC 4217 says 534 for a refusal).</summary>
    public static void Ccc(Session s, string arg) =>
        s.Control.Reply(ReplyCodes.PolicyRefusesClear, "CCC not permitted: the control connection stays encrypted.");
}
