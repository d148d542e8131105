// A pool worker: PRELOGIN and CONFIG, the drop to nopriv_user, READY, then clients until one logs in or it ends.
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public static class PoolWorker
{
    /// <summary>Runs a pool worker from its PRELOGIN message to the end of the process; returns the exit code.</summary>
    public static int Run(Message first)
    {
        var identity = PreloginIdentity.Parse(first.Body);
        var stats = Program.MapStats(first.Fd);
        var cm = Channel.Receive(Channel.WorkerFd);
        if (cm == null) return 0;
        if (cm is not { Type: MessageType.Config }) return Program.Fail("expected CONFIG from the master");
        FtpConfig config;
        try
        {
            config = ConfigParser.Apply(FtpConfig.Defaults, cm.Value.Body, "(from master)");
        }
        catch (ConfigException e)
        {
            return Program.Fail(e.Message);
        }

        Preload.ForConfig(config);
        TlsContext? tls = null;
        if (config.SslEnable)
        {
            // libssl, its configuration and the key are loaded now, before the chroot hides the disk.
            var tm = Channel.Receive(Channel.WorkerFd);
            if (tm == null) return 0;
            if (tm is not { Type: MessageType.TlsCert }) return Program.Fail("expected TLSCERT from the master");
            try
            {
                tls = TlsSetup.Context(config, TlsMaterial.Parse(tm.Value.Body));
            }
            catch (Exception e) when (e is TlsException or FormatException)
            {
                return Program.Fail($"TLS: {e.Message}");
            }
        }
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
                return Program.Fail($"cannot drop to uid {identity.Uid} in {identity.Root}: {e.Message}");
            }
        }
        // Started after the identity change: glibc's setuid must stop every thread of the process.
        // From here on ALRM/TERM/INT are blocked in this thread and go to the signal thread.
        var watch = SignalWatch.Blocked(SignalWatch.WorkerSignals);
        WorkerSignals.Start(watch);
        if (!Program.SayReady()) return 0;

        // One client, or (worker_reuse) one after another while each leaves having sent nothing but QUIT.
        while (true)
        {
            Message? client;
            try
            {
                client = Channel.Receive(Channel.WorkerFd);
            }
            catch (PosixException)
            {
                client = null; // a master killed before it read our READY resets the channel: gone as well
            }
            WorkerSignals.SetHasClient(client != null);
            if (client == null) return 0; // the master closed our channel: leave the pool quietly
            if (client is not { Type: MessageType.Client } || client.Value.Fd < 0) return Program.Fail("expected CLIENT with an fd");
            string[] peer = client.Value.Body.Split('\n');
            var session = Program.NewSession(config, client.Value.Fd, peer[0]);
            session.UserLists = lists;
            session.Prelogin = identity;
            session.Stats = stats;
            stats?.Reset();
            session.BannerLines = banner;
            session.Tls = tls;
            if (peer.Length > 2 && int.TryParse(peer[2], out int count)) session.ClientCountAtStart = count;
            WorkerSignals.Publish(session);
            session.Run();
            session.Control.Finish();
            if (session.MovedAs != null && session.Control.Relay != null) return StayAsRelay(session);
            session.Control.EndTls();
            if (!BackToPool(session)) return 0;
        }
    }

    /// <summary>
    /// The session moved to a process with the user's identity, but its TLS state cannot move:
    /// this process (nopriv_user in the empty chroot, or the anonymous account) relays between the
    /// client's TLS connection and the session worker's socketpair until either ends. It holds
    /// nothing else: no channel to the master, no copy of the session's end of the pair.
    /// </summary>
    private static int StayAsRelay(Session s)
    {
        ProcessTitle.Set($"{s.ClientIp}: {s.MovedAs}: TLS relay");
        Posix.Close(Channel.WorkerFd);
        s.Control.EndTls(Timeout.Infinite);
        return 0;
    }

    /// <summary>
    /// worker_reuse: a client that left having sent nothing but QUIT has left this process as it
    /// was; its socket goes back to the master, which checks the kernel's byte count before it
    /// closes it and puts this worker back in its pool. False: the process ends, as it always would.
    /// </summary>
    private static bool BackToPool(Session s)
    {
        if (!s.MayReturnToPool) return false;
        if (!WorkerSignals.Release(s)) return false;
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
}
