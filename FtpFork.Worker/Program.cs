// Entry point of a worker: take the config, wait in the pool for a client, serve it, exit.
using System.Net.Sockets;
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public static class Program
{
    private static Session? _session;

    public static int Main(string[] args)
    {
        ProcessTitle.Init("ftpfork");
        ProcessTitle.Set("worker (pool)");
        var first = Channel.Receive(Channel.WorkerFd);
        if (first is not { Type: MessageType.Config }) return Fail("expected CONFIG from the master");
        FtpConfig config;
        try
        {
            config = ConfigParser.Apply(FtpConfig.Defaults, first.Value.Body, "(from master)");
        }
        catch (ConfigException e)
        {
            return Fail(e.Message);
        }

        var watch = new SignalWatch(Sig.Alarm, Sig.Term, Sig.Int);
        new Thread(() => SignalLoop(watch)) { IsBackground = true, Name = "signals" }.Start();

        var client = Channel.Receive(Channel.WorkerFd);
        if (client == null) return 0; // the master closed our channel: leave the pool quietly
        if (client is not { Type: MessageType.Client } || client.Value.Fd < 0) return Fail("expected CLIENT with an fd");
        string[] peer = client.Value.Body.Split('\n');
        var socket = new Socket(new SafeSocketHandle((IntPtr)client.Value.Fd, ownsHandle: true));
        Action<string> log = l => Console.Error.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm:ss} ftpfork-worker[{Environment.ProcessId}]: {l}");
        var control = new ControlConnection(socket, config.LogFtpProtocol ? log : null);
        var session = new Session(config, control, peer[0], Channel.WorkerFd, log);
        Volatile.Write(ref _session, session);
        session.Run();
        control.Finish();
        return 0;
    }

    /// <summary>The place signals are acted on: before a client arrives SIGTERM just ends the process.</summary>
    private static void SignalLoop(SignalWatch watch)
    {
        while (true)
        {
            var sig = watch.Wait();
            var s = Volatile.Read(ref _session);
            if (s != null) s.OnSignal(sig);
            else if (sig is Sig.Term or Sig.Int) Environment.Exit(0);
        }
    }

    private static int Fail(string why)
    {
        Console.Error.WriteLine($"ftpfork-worker[{Environment.ProcessId}]: {why}");
        return 2;
    }
}
