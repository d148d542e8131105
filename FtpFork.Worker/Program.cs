// Entry point of a worker: a pool worker (drops to nopriv, serves a client until login) or a logged-in session's worker.
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public static class Program
{
    private static Session? _session;
    // A SIGTERM after the client arrived but before its session exists is kept for the session (it
    // then says 421 instead of vanishing); before any client it ends the process at once.
    private static readonly object Gate = new();
    private static bool _hasClient, _termPending;

    public static int Main(string[] args)
    {
        // Until the signal thread runs, SIGTERM and SIGINT end this process as they always would
        // (a start stuck on a file it reads must not outlive a stopping master).
        SignalWatch.DefaultUntilWatched(SignalWatch.WorkerSignals);
        ProcessTitle.Init("ftpfork");
        Preload.BeforeChroot();
        Message? first;
        try
        {
            first = Channel.Receive(Channel.WorkerFd);
        }
        catch (PosixException e)
        {
            return Fail($"fd {Channel.WorkerFd} is not the master's channel: {e.Message}");
        }
        if (first == null) return 0; // the master closed our channel before telling us anything
        if (first is { Type: MessageType.Spare })
        {
            // A spare: ready as it is; it becomes a logged-in session's worker when SESSION comes.
            if (!SayReady()) return 0;
            var handoff = Channel.Receive(Channel.WorkerFd);
            if (handoff == null) return 0; // a spare whose channel the master closed: leave quietly
            if (handoff is not { Type: MessageType.Session }) return Fail("expected SESSION from the master");
            return RunSession(handoff.Value);
        }
        ProcessTitle.Set("worker (pool)");
        if (first is not { Type: MessageType.Prelogin }) return Fail("expected PRELOGIN from the master");
        var identity = PreloginIdentity.Parse(first.Value.Body);
        int xferlog = first.Value.Fd;
        var cm = Channel.Receive(Channel.WorkerFd);
        if (cm == null) return 0;
        if (cm is not { Type: MessageType.Config }) return Fail("expected CONFIG from the master");
        FtpConfig config;
        try
        {
            config = ConfigParser.Apply(FtpConfig.Defaults, cm.Value.Body, "(from master)");
        }
        catch (ConfigException e)
        {
            return Fail(e.Message);
        }

        Preload.ForConfig(config);
        string[]? banner = Preload.Banner(config);
        var lists = UserLists.Load(config);
        if (identity.Drop)
        {
            // Before any client byte: nopriv_user in the empty secure_chroot_dir, or (anon_single_process)
            // the anonymous account in its root; no supplementary groups either way.
            try
            {
                PrivilegeDrop.ToPrelogin(identity.Uid, identity.Gid, identity.Root);
            }
            catch (Exception e) when (e is PosixException or InvalidOperationException)
            {
                return Fail($"cannot drop to uid {identity.Uid} in {identity.Root}: {e.Message}");
            }
        }
        // Started after the identity change: glibc's setuid must stop every thread of the process.
        // From here on ALRM/TERM/INT are blocked in this thread and go to the signal thread.
        var watch = SignalWatch.Blocked(SignalWatch.WorkerSignals);
        new Thread(() => SignalLoop(watch)) { IsBackground = true, Name = "signals" }.Start();
        if (!SayReady()) return 0;

        // One client, or (worker_reuse) one after another while each leaves having sent nothing but QUIT.
        while (true)
        {
            var client = Channel.Receive(Channel.WorkerFd);
            lock (Gate) _hasClient = client != null;
            if (client == null) return 0; // the master closed our channel: leave the pool quietly
            if (client is not { Type: MessageType.Client } || client.Value.Fd < 0) return Fail("expected CLIENT with an fd");
            string[] peer = client.Value.Body.Split('\n');
            var session = NewSession(config, client.Value.Fd, peer[0]);
            session.UserLists = lists;
            session.Prelogin = identity;
            session.XferlogFd = xferlog;
            session.BannerLines = banner;
            if (peer.Length > 2 && int.TryParse(peer[2], out int count)) session.ClientCountAtStart = count;
            Publish(session);
            session.Run();
            session.Control.Finish();
            if (!BackToPool(session)) return 0;
        }
    }

    /// <summary>
    /// worker_reuse: a client that left having sent nothing but QUIT has left this process as it
    /// was; its socket goes back to the master, which checks the kernel's byte count before it
    /// closes it and puts this worker back in its pool. False: the process ends, as it always would.
    /// </summary>
    private static bool BackToPool(Session s)
    {
        if (!s.MayReturnToPool) return false;
        lock (Gate)
        {
            if (_termPending || s.TerminateRequested) return false;
            _session = null; // from here a SIGTERM ends the process at once, as before any client
            _hasClient = false;
        }
        ProcessTitle.Set("worker (pool)");
        try
        {
            Channel.Send(Channel.WorkerFd, MessageType.Idle, "", s.Control.Fd);
            return true;
        }
        catch (PosixException)
        {
            return false; // the master is gone
        }
        finally
        {
            Posix.Close(s.Control.Fd);
        }
    }

    /// <summary>
    /// A logged-in session's worker, started as root by the master: SESSION then CONFIG, the
    /// identity change (before a single client byte is read), then 230 and the post-login loop.
    /// </summary>
    private static int RunSession(Message first)
    {
        lock (Gate) _hasClient = true;
        ProcessTitle.Set("session");
        var h = SessionHandoff.Parse(first.Body);
        if (first.Fd < 0) return Fail("SESSION without the control fd");
        var cm = Channel.Receive(Channel.WorkerFd);
        if (cm is not { Type: MessageType.Config }) return Fail("expected CONFIG after SESSION");
        var config = ConfigParser.Apply(FtpConfig.Defaults, cm.Value.Body, "(from master)");
        Preload.ForConfig(config);
        // The client is here: a SIGTERM from now on is kept for the session (421), not fatal.
        var watch = SignalWatch.Blocked(SignalWatch.WorkerSignals);
        var session = NewSession(config, first.Fd, h.ClientIp);
        session.ClientCountAtStart = h.ClientCount;
        session.XferlogFd = cm.Value.Fd;
        try
        {
            if (h.ChangeIdentity)
                PrivilegeDrop.ToUser(h.Groups, h.Uid, h.Gid, h.Chroot == "" ? null : h.Chroot);
        }
        catch (Exception e) when (e is PosixException or InvalidOperationException)
        {
            session.Log($"{h.ClientIp}: {h.User}: cannot change identity: {e.Message}");
            session.Control.Reply(ReplyCodes.SyntaxError, "OOPS: cannot change to the user's identity.");
            return 1;
        }
        Posix.Umask(h.Umask);
        new Thread(() => SignalLoop(watch)) { IsBackground = true, Name = "signals" }.Start();
        Publish(session);
        if (!Accounts.Resume(session, h)) return 1;
        PostLogin.Run(session);
        session.Control.Finish();
        return 0;
    }

    private static Session NewSession(FtpConfig config, int fd, string ip)
    {
        // Replies are small writes in a row (150 then 226): without TCP_NODELAY, Nagle holds the
        // second one until the client's delayed ACK, ~40 ms per transfer.
        TcpSocket.SetNoDelay(fd);
        Action<string> log = WorkerLog.Write;
        var control = new ControlConnection(fd, config.LogFtpProtocol ? log : null);
        return new Session(config, control, ip, Channel.WorkerFd, log);
    }

    /// <summary>The place signals are acted on: before a client arrives SIGTERM just ends the process.</summary>
    private static void SignalLoop(SignalWatch watch)
    {
        while (true)
        {
            var sig = watch.Wait();
            Session? s;
            lock (Gate)
            {
                s = _session;
                if (s == null && sig is Sig.Term or Sig.Int)
                {
                    if (!_hasClient) Environment.Exit(0);
                    _termPending = true;
                }
            }
            s?.OnSignal(sig);
        }
    }

    /// <summary>Makes the session the signals' target, handing it a SIGTERM that came before it existed.</summary>
    private static void Publish(Session session)
    {
        bool pending;
        lock (Gate)
        {
            _session = session;
            pending = _termPending;
        }
        if (pending) session.OnSignal(Sig.Term);
    }

    /// <summary>READY to the master: this start is over (it hands clients to ready workers only). False when the master is gone.</summary>
    private static bool SayReady()
    {
        try
        {
            Channel.Send(Channel.WorkerFd, MessageType.Ready, "");
            return true;
        }
        catch (PosixException)
        {
            return false;
        }
    }

    private static int Fail(string why)
    {
        WorkerLog.Write(why);
        return 2;
    }
}
