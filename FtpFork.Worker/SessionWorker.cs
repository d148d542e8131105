// A logged-in session's worker: a spare (SPARE, READY) that SESSION turns into the user's process, then post-login.
using System.Net;
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public static class SessionWorker
{
    /// <summary>A spare: ready as it is; it becomes a logged-in session's worker when SESSION comes.</summary>
    public static int RunSpare()
    {
        if (!Program.SayReady()) return 0;
        var handoff = Channel.Receive(Channel.WorkerFd);
        if (handoff == null) return 0; // a spare whose channel the master closed: leave quietly
        if (handoff is not { Type: MessageType.Session }) return Program.Fail("expected SESSION from the master");
        return Run(handoff.Value);
    }

    /// <summary>
    /// A logged-in session's worker, started as root by the master: SESSION then CONFIG, the
    /// identity change (before a single client byte is read), then 230 and the post-login loop.
    /// </summary>
    private static int Run(Message first)
    {
        WorkerSignals.SetHasClient(true);
        ProcessTitle.Set("session");
        var h = SessionHandoff.Parse(first.Body);
        if (first.Fd < 0) return Program.Fail("SESSION without the control fd");
        var cm = Channel.Receive(Channel.WorkerFd);
        if (cm is not { Type: MessageType.Config }) return Program.Fail("expected CONFIG after SESSION");
        var config = ConfigParser.Apply(FtpConfig.Defaults, cm.Value.Body, "(from master)");
        Preload.ForConfig(config);
        TlsContext? tls = null;
        if (h.Tls != "")
        {
            // Made before the drop (libssl is on the disk a chroot hides); no key unless data
            // connections may need full handshakes (require_ssl_reuse=NO: TLSCERT follows).
            TlsMaterial? m = null;
            if (h.TlsCert)
            {
                var tm = Channel.Receive(Channel.WorkerFd);
                if (tm is not { Type: MessageType.TlsCert }) return Program.Fail("expected TLSCERT after CONFIG");
                m = TlsMaterial.Parse(tm.Value.Body);
            }
            tls = TlsSetup.Context(config, m);
        }
        // The client is here: a SIGTERM from now on is kept for the session (421), not fatal.
        var watch = SignalWatch.Blocked(SignalWatch.WorkerSignals);
        var session = h.Tls == "" ? Program.NewSession(config, first.Fd, h.ClientIp)
            : Program.NewSession(config, first.Fd, h.ClientIp, new IPEndPoint(IPAddress.Parse(h.LocalIp), h.LocalPort),
                new IPEndPoint(IPAddress.Parse(h.ClientIp), h.ClientPort));
        session.Tls = tls;
        session.ClientCountAtStart = h.ClientCount;
        session.Stats = Program.MapStats(cm.Value.Fd);
        session.Stats?.Reset();
        try
        {
            if (h.ChangeIdentity)
                PrivilegeDrop.ToUser(h.Groups, h.Uid, h.Gid, h.Chroot == "" ? null : h.Chroot);
        }
        catch (Exception e) when (e is PosixException or InvalidOperationException)
        {
            session.Log($"{h.ClientIp}: {Common.Text.LogText.Escape(h.User)}: cannot change identity: {e.Message}");
            session.Control.Reply(ReplyCodes.SyntaxError, "OOPS: cannot change to the user's identity.");
            return 1;
        }
        Posix.Umask(h.Umask);
        if (tls != null && !ImportTls(session, tls, h)) return 1;
        WorkerSignals.Start(watch);
        WorkerSignals.Publish(session);
        if (!Accounts.Resume(session, h)) return 1;
        PostLogin.Run(session);
        session.Control.Finish();
        return 0;
    }

    /// <summary>
    /// After the identity change only: the pre-login worker's TLS state (ticket key, session-id
    /// context, the control connection's session) parsed and installed, so the client's data
    /// connections resume its control connection's session here.
    /// </summary>
    private static bool ImportTls(Session s, TlsContext tls, SessionHandoff h)
    {
        try
        {
            var r = TlsResume.Parse(h.Tls);
            tls.Import(r.TicketKeys, r.SidContext, r.Session);
            s.ControlCertDigest = r.PeerCertDigest;
            return true;
        }
        catch (Exception e) when (e is FormatException or TlsException)
        {
            s.Log($"{h.ClientIp}: {h.User}: bad TLS state from the pre-login worker: {e.Message}");
            s.Control.Reply(ReplyCodes.ServiceNotAvailable, "OOPS: cannot resume the TLS session.");
            return false;
        }
    }
}
