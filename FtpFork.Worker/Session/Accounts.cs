// The pre-login worker's side of a login: it cannot check a password, so it asks the master and acts on the verdict.
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;
using FtpFork.Common.Text;

namespace FtpFork.Worker;

public static class Accounts
{
    /// <summary>
    /// Sends AUTH (user, password, session state, the control fd) to the master and waits. Moved:
    /// the session now lives in a new worker with the user's identity and this one must exit
    /// without a word to the client. Nothing is read from the client while waiting.
    /// </summary>
    public static AuthResult RequestLogin(Session s, string user, string password)
    {
        // Under TLS the session can move: what its new process needs to resume the client's TLS session.
        string tls = s.Control.Relay is { SessionDer: byte[] der } relay && s.Tls != null
            ? new TlsResume(s.Tls.TicketKeys, s.Tls.SidContext, der, relay.PeerCertDigest).Format() : "";
        var request = new AuthRequest(user, password, s.Type == TransferType.Image ? 'I' : 'A', s.Utf8,
            s.Control.Reader.Buffered(), s.PbszDone, s.DataProtected, tls);
        if (!AuthRequest.ValidPassword(password) || request.Format().Length > AuthRequest.MaxBody)
            return AuthResult.Refused; // never sent: the master would end this worker for it
        Message? reply = null;
        try
        {
            Channel.Send(s.ChannelFd, MessageType.Auth, request.Format(), s.Control.Fd);
            reply = Channel.Receive(s.ChannelFd);
        }
        catch (PosixException e)
        {
            MasterGone(s, e.Message); // EPIPE, ECONNRESET: it died
        }
        if (reply == null) MasterGone(s, "its channel closed"); // shutting down, or killed
        if (reply.Value.Fd >= 0) Posix.Close(reply.Value.Fd);
        var result = reply.Value.Type == MessageType.AuthResult ? AuthResult.Parse(reply.Value.Body, out _) : null;
        // HERE only to a worker that already is the anonymous account in its root.
        if (result == null || (result.Verdict == AuthVerdict.Here && !s.Prelogin.Anonymous))
            throw new InvalidOperationException($"unexpected answer from the master: {reply.Value.Type}");
        return result;
    }

    /// <summary>
    /// No login can be checked without the master: the client is told (421) and the session ends,
    /// with one log line, as a session ends at a stop.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void MasterGone(Session s, string why)
    {
        s.Log($"{s.ClientIp}: the master is gone ({why}): no login can be checked; 421 and exit");
        s.Control.CloseWith(Session.MasterGoneLine, 0);
    }

    /// <summary>
    /// The new session worker, identity already changed: restores the state the pre-login worker
    /// had, then welcomes the user.
    /// </summary>
    public static bool Resume(Session s, SessionHandoff h)
    {
        s.Type = h.Type == 'I' ? TransferType.Image : TransferType.Ascii;
        s.Utf8 = h.Utf8;
        s.Control.Reader.Prepend(h.Pending);
        s.PbszDone = h.Pbsz;
        s.DataProtected = h.Prot;
        return Welcome(s, h.User, h.Anonymous, h.ViewRoot, h.Cwd, h.ChangeIdentity && h.Chroot != "", h.Chroot);
    }

    /// <summary>
    /// An anonymous login that stays in this pre-login worker (anon_single_process): it already runs
    /// as the anonymous account chrooted in its root; only the umask and the session state change.
    /// </summary>
    public static bool StayHere(Session s)
    {
        Posix.Umask(s.Config.AnonUmask);
        return Welcome(s, "anonymous", true, "/", "/", true, s.Prelogin.Root);
    }

    /// <summary>The logged-in state; refuses a writable chroot root (as vsftpd 3); then 230.</summary>
    private static bool Welcome(Session s, string user, bool anonymous, string viewRoot, string cwd, bool chrooted, string chroot)
    {
        if (chrooted && !s.Config.AllowWriteableChroot && PrivilegeDrop.RootWritable())
        {
            s.Control.Reply(ReplyCodes.SyntaxError, "OOPS: ftpfork: refusing to run with writable root inside chroot()");
            s.Log($"{s.ClientIp}: {LogText.Escape(user)}: refused: writable chroot root {LogText.Escape(chroot)} (allow_writeable_chroot=NO)");
            return false;
        }
        s.User = user;
        s.IsAnonymous = anonymous;
        s.Files = new FileSystemView(viewRoot) { Cwd = cwd, DenyPattern = s.Config.DenyFile, HidePattern = s.Config.HideFile };
        if (s.Config.DelaySuccessfulLogin > 0) Thread.Sleep(s.Config.DelaySuccessfulLogin * 1000);
        DirMessage.Reply(s, ReplyCodes.LoginOk, "Login successful.");
        s.Log($"{s.ClientIp}: login as {LogText.Escape(user)}");
        return true;
    }
}
