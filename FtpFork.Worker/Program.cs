// Entry point of a worker: reads the master's first message and becomes a pool worker or a session's worker.
using System.Net;
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public static class Program
{
    /// <summary>A worker ends with _exit in both start modes (ProcessCalls.Exit says why).</summary>
    public static int Main(string[] args)
    {
        int code = Run();
        ProcessCalls.Exit(code);
        return code;
    }

    private static int Run()
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
        // SPARE: a logged-in session's worker (SessionWorker); PRELOGIN: a pool worker (PoolWorker).
        if (first is { Type: MessageType.Spare }) return SessionWorker.RunSpare();
        ProcessTitle.Set("worker (pool)");
        if (first is not { Type: MessageType.Prelogin }) return Fail("expected PRELOGIN from the master");
        return PoolWorker.Run(first.Value);
    }

    /// <summary>The session of a client on the control fd: TCP_NODELAY set, the channel to the master known.</summary>
    /// <remarks>With <paramref name="local"/> and <paramref name="peer"/>, fd is a TLS relay's socketpair end (the relay set TCP_NODELAY on the TCP socket).</remarks>
    internal static Session NewSession(FtpConfig config, int fd, string ip, IPEndPoint? local = null, IPEndPoint? peer = null)
    {
        // Replies are small writes in a row (150 then 226): without TCP_NODELAY, Nagle holds the
        // second one until the client's delayed ACK, ~40 ms per transfer.
        if (local == null) TcpSocket.SetNoDelay(fd);
        var control = new ControlConnection(fd, config.LogFtpProtocol ? WorkerLog.Record : null, local, peer);
        return new Session(config, control, ip, Channel.WorkerFd, WorkerLog.Write);
    }

    /// <summary>READY to the master: this start is over (it hands clients to ready workers only). False when the master is gone.</summary>
    internal static bool SayReady()
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

    /// <summary>The stats page the master sent (with PRELOGIN or a session's CONFIG), mapped; the fd closed. Null without one.</summary>
    internal static SessionStats? MapStats(int fd)
    {
        if (fd < 0) return null;
        try
        {
            return new SessionStats(SharedPage.Map(fd));
        }
        catch (PosixException e)
        {
            WorkerLog.Write($"stats page: {e.Message}"); // `ftpfork who` shows "?" for this session
            return null;
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    internal static int Fail(string why)
    {
        WorkerLog.Write(why);
        return 2;
    }
}
