// The master's one loop: poll on listeners, worker channels and the signal pipe; accept, hand over, reap.
using System.Net;
using System.Net.Sockets;
using System.Text;
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

public sealed partial class MasterLoop
{
    private FtpConfig _config;
    private TlsMaterial? _tls;
    private readonly Func<LoadedConfig> _reload;
    private readonly string? _configFile;
    private readonly Action<string> _log;
    private readonly ClientLimits _limits;
    private readonly ActivityLog _activity;
    private readonly WorkerOutput _output = new();
    private readonly SelfPipe _wake = new();
    private List<Socket> _listeners = new();
    private WorkerPool _pool = null!;
    private Authenticator _auth = null!;
    private bool _stopping;
    private long _refillPausedUntil;
    private bool _poolWasReady;
    // Accepted clients (slot taken) waiting for a worker to start: served first when one is ready.
    private readonly Queue<(Socket Client, string Ip, int Port)> _waiting = new();

    /// <param name="reload">Reads the configuration again as at start (SIGHUP); throws ConfigException.</param>
    public MasterLoop(LoadedConfig start, Action<string> log, Func<LoadedConfig> reload)
    {
        _config = start.Config;
        _tls = start.Tls;
        _configFile = start.File;
        _reload = reload;
        _log = log;
        _limits = new ClientLimits(_config.MaxClients, _config.MaxPerIp);
        _activity = new ActivityLog(log);
    }

    public int Run()
    {
        ulong nofile = ProcessLimits.RaiseOpenFiles();
        ProcessTitle.Init("ftpfork");
        try
        {
            _pool = new WorkerPool(_config, _log) { OutputFd = _output.WriteFd };
            UseAccounts(CheckAccounts(_config), _config, _tls);
            _listeners = Listeners.Bind(_config);
            _activity.Configure(_config);
        }
        catch (Exception e) when (e is SocketException or FileNotFoundException or AccountsException or LogFileException)
        {
            _log($"cannot start: {e.Message}");
            return 1;
        }
        string where = string.Join(" ", _listeners.Select(Listeners.Describe));
        ProcessTitle.Set($"master, listening on {where}");
        StartSignalThread();
        _admin = AdminServer.Open(_config, _log);
        _log($"listening on {where} (pool {_config.WorkerPoolSize}, max_clients {_config.MaxClients}, max_per_ip {_config.MaxPerIp}, open files {nofile})");
        _pool.SetBaseSize(_config.WorkerPoolSize);
        _pool.Reuse = _config.WorkerReuse;
        _pool.Refill();

        while (!_stopping || _pool.Count > 0)
        {
            var fds = new List<int> { _wake.ReadFd, _auth.WakeFd, _pool.StarterFd, _output.ReadFd, _admin?.WakeFd ?? -1 };
            fds.AddRange(_listeners.Select(l => (int)l.Handle));
            var channels = _pool.All.Where(w => w.Channel >= 0).ToList();
            fds.AddRange(channels.Select(w => w.Channel));
            // Workers are started by the pool's starter thread, never on this loop (posix_spawn blocks
            // until the child has exec'd); a grown pool shrinks after 10 s quiet.
            bool grown = _pool.Grown;
            bool paused = Environment.TickCount64 < _refillPausedUntil;
            long pause = Math.Max(0, _refillPausedUntil - Environment.TickCount64);
            int timeout = _stopping ? -1 : paused && _pool.NeedsWorker ? (int)pause : grown ? WorkerPool.QuietMs : -1;
            // A worker that may come back stops counting as the pool's: look again then.
            int grace = _stopping ? -1 : _pool.MsUntilGraceEnds();
            if (grace >= 0 && (timeout < 0 || grace < timeout)) timeout = grace;
            int handing = MsUntilHandOverCheck(); // a worker must take its client soon
            if (handing >= 0 && (timeout < 0 || handing < timeout)) timeout = handing;
            int kick = KickDeadlines();
            if (kick >= 0 && (timeout < 0 || kick < timeout)) timeout = kick;
            bool[] ready = FdIo.PollRead(fds, timeout);
            bool anyReady = ready.Any(r => r);

            if (ready[0]) foreach (byte b in _wake.Drain()) OnSignal((Sig)b);
            if (ready[1]) foreach (var outcome in _auth.Drain()) OnAuthOutcome(outcome);
            if (ready[2]) OnStarted(_pool.CollectStarted());
            if (ready[3]) _output.Drain(_log);
            if (ready[4]) OnAdmin();
            const int first = 5;
            for (int i = 0; i < _listeners.Count && !_stopping; i++)
                if (ready[first + i]) Accept(_listeners[i]);
            for (int i = 0; i < channels.Count; i++)
                if (ready[first + _listeners.Count + i] && channels[i].Channel >= 0) OnWorkerReadable(channels[i]);
            CheckHandOvers();
            if (_stopping) continue;
            if (_pool.NeedsWorker && !paused) _pool.Refill();
            else if (!anyReady && grown && timeout == WorkerPool.QuietMs) _pool.Shrink();
        }
        _admin?.Remove();
        _log("stopped: every worker has exited");
        return 0;
    }

    private void StartSignalThread()
    {
        var watch = new SignalWatch(Sig.Child, Sig.Term, Sig.Int, Sig.Hup);
        var t = new Thread(() =>
        {
            while (true) _wake.Notify((byte)watch.Wait());
        }) { IsBackground = true, Name = "signals" };
        t.Start();
    }

    private void OnSignal(Sig sig)
    {
        switch (sig)
        {
            case Sig.Child:
                int diedStarting = 0;
                while (Posix.ReapOne() is var (pid, how))
                {
                    if (_pool.Find(pid) is { Untaken: not null } leaving) Settle(leaving); // died before its client was settled
                    var w = _pool.Reaped(pid);
                    if (w is { IsSession: false, Ready: false, ClientIp: null, Retired: false }) diedStarting++;
                    if (w?.ClientIp != null) _limits.Release(w.ClientIp);
                    _log($"{(w is { IsRelay: true } ? "TLS relay" : "worker")} {pid} exited ({how}){(w?.ClientIp != null ? $", client {w.ClientIp}" : "")}");
                    if (w is { ClientIp: null, IsSession: false, Killed: false } && how != "exit 0" && !_stopping)
                    {
                        // A pool worker that fails before any client would be restarted at once, forever:
                        // pause refilling for a second (clients are still served, by workers started on demand).
                        _refillPausedUntil = Environment.TickCount64 + 1000;
                    }
                }
                if (diedStarting > 0 && !_stopping) OnStarted(diedStarting); // as a failed start
                break;
            case Sig.Term or Sig.Int:
                if (_stopping) break;
                _stopping = true;
                _log($"SIG{(sig == Sig.Term ? "TERM" : "INT")}: no longer accepting; waiting for {_pool.Count} worker(s)");
                foreach (var l in _listeners) l.Dispose();
                _listeners.Clear();
                while (_waiting.Count > 0)
                {
                    var (client, ip, _) = _waiting.Dequeue();
                    client.Dispose();
                    _limits.Release(ip);
                }
                _pool.SignalAll();
                break;
            case Sig.Hup:
                Reload();
                break;
        }
    }

    private void Accept(Socket listener)
    {
        Socket client;
        try
        {
            client = listener.Accept();
        }
        catch (SocketException e)
        {
            _log($"accept: {e.SocketErrorCode}"); // EMFILE, ECONNABORTED...: a log line, the loop goes on
            return;
        }
        if (ResetAlready(client)) return;
        var peer = (IPEndPoint)client.RemoteEndPoint!;
        string ip = (peer.Address.IsIPv4MappedToIPv6 ? peer.Address.MapToIPv4() : peer.Address).ToString();
        string? refusal = _limits.Refusal(ip);
        if (refusal != null)
        {
            try
            {
                client.Blocking = false;
                client.Send(Encoding.ASCII.GetBytes(refusal));
                client.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException) { /* the client is gone already */ }
            _log($"refused {ip}: {refusal.TrimEnd()}");
            _activity.Connect(Environment.ProcessId, ip, refusal == ClientLimits.TooManyUsers
                ? "Connection refused: too many sessions." : "Connection refused: too many sessions for this address.");
            client.Dispose();
            return;
        }
        _limits.Take(ip); // the slot is the client's from now on, waiting or served
        if (_waiting.Count == 0 && HandOver(client, ip, peer.Port)) return;
        _waiting.Enqueue((client, ip, peer.Port));
        ServeWaiting();
        _pool.EnsureStarting(_waiting.Count); // one start on its way per waiting client
    }

    /// <summary>
    /// A connection its client reset while it waited to be accepted (a flood of SO_LINGER 0
    /// connects, a port scan) is closed here: it takes no slot and costs no worker.
    /// </summary>
    private static bool ResetAlready(Socket client)
    {
        try
        {
            if (TcpInfoCall.Read((int)client.Handle) is not { IsClosed: true }) return false;
        }
        catch (PosixException)
        {
            // Not readable: let the worker find out, as before.
            return false;
        }
        client.Dispose();
        return true;
    }

    /// <summary>
    /// Started workers were collected, or became ready: waiting clients get the ready ones, oldest
    /// first. As many waiting clients as starts failed (or died before READY) are closed, their
    /// slots released; every client still waiting has a start on its way.
    /// </summary>
    private void OnStarted(int failed)
    {
        ServeWaiting();
        for (; failed > 0 && _waiting.Count > 0; failed--)
        {
            var (client, ip, port) = _waiting.Dequeue();
            _log($"cannot start a worker for {ip}:{port}; closed");
            client.Dispose();
            _limits.Release(ip);
        }
        if (_waiting.Count > 0 && !_stopping) _pool.EnsureStarting(_waiting.Count);
    }

    /// <summary>Hands waiting clients, oldest first, to the workers that have become ready.</summary>
    private void ServeWaiting()
    {
        while (_waiting.Count > 0)
        {
            var (client, ip, port) = _waiting.Peek();
            if (!HandOver(client, ip, port)) return;
            _waiting.Dequeue();
        }
    }

    /// <summary>
    /// Passes the client to a ready worker (the master's copy is kept until the worker has read
    /// it: MasterLoop.Handover.cs). False when no worker is
    /// ready (one is being started): the caller keeps the client waiting. A client no worker would
    /// take is closed (true: it is done with).
    /// </summary>
    private bool HandOver(Socket client, string ip, int port)
    {
        int fd = (int)client.Handle;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var w = _pool.Take();
            if (w == null) return false;
            try
            {
                Channel.Send(w.Channel, MessageType.Client, $"{ip}\n{port}\n{_limits.Clients}", fd);
            }
            catch (PosixException e)
            {
                _log($"worker {w.Pid} did not take the client ({e.Message}); trying another");
                _pool.CloseChannel(w);
                continue;
            }
            w.ClientIp = ip;
            w.ClientPort = port;
            // A TLS session moves to its session worker without the TCP socket: it binds PASV here.
            if (_config.SslEnable && client.LocalEndPoint is IPEndPoint local) w.ClientLocal = local;
            w.ClientCount = _limits.Clients;
            w.HandedAt = Environment.TickCount64;
            w.ConnectedAt = DateTime.UtcNow;
            if (_config.WorkerReuse) w.ClientSocket = Posix.Identity(fd);
            Handed(w, client); // the master's copy stays until the worker has read CLIENT
            _log($"client {ip}:{port} -> worker {w.Pid}");
            _activity.Connect(w.Pid, ip);
            return true;
        }
        _log($"no worker took client {ip}:{port}; closed");
        client.Dispose();
        _limits.Release(ip);
        return true;
    }

    private void OnWorkerReadable(WorkerProc w)
    {
        Message? m;
        try
        {
            m = Channel.Receive(w.Channel);
        }
        catch (PosixException)
        {
            m = null;
        }
        if (m == null)
        {
            Settle(w); // before its channel closes: a CLIENT it never read goes to another worker
            _pool.CloseChannel(w); // the worker is exiting; SIGCHLD will reap it
            return;
        }
        if (w.Untaken != null) Taken(w); // it speaks: it has read its CLIENT
        if (m.Value.Type == MessageType.Log && m.Value.Fd < 0)
        {
            OnActivity(w, m.Value);
            return;
        }
        if (m.Value.Type == MessageType.Auth)
        {
            OnAuthRequest(w, m.Value);
            return;
        }
        if (m.Value.Type is MessageType.Busy or MessageType.Idle && !w.IsSession && w.ClientIp != null)
        {
            if (m.Value.Type == MessageType.Busy) w.Committed = true; // a replacement may start now
            else OnWorkerBack(w, m.Value);
            return;
        }
        // READY once per worker; a spare may already have its SESSION (taken while starting).
        if (m.Value.Type == MessageType.Ready && !w.Ready && m.Value.Fd < 0 && (w.IsSession || w.ClientIp == null))
        {
            _pool.MarkReady(w);
            if (!w.IsSession) OnStarted(0);
            if (!_poolWasReady && _config.WorkerPoolSize > 0 && _pool.ReadyCount >= _config.WorkerPoolSize)
            {
                _poolWasReady = true; // once: from now on a client never waits for a start (unless a burst empties the pool)
                _log($"{_pool.ReadyCount} pre-login worker(s) ready");
            }
            return;
        }
        Posix.Close(m.Value.Fd);
        _log($"worker {w.Pid}: unexpected message '{m.Value.Type}'; killed");
        SignalWatch.Kill(w.Pid);
        _pool.CloseChannel(w);
    }

    /// <summary>LOG: a note for the master's log, or a record about the worker's own session for the activity logs; malformed ends the worker.</summary>
    private void OnActivity(WorkerProc w, Message m)
    {
        var r = ActivityRecord.Parse(m.Body, out string why);
        if (r != null)
        {
            if (r.What == LogKind.Note) _log($"worker {w.Pid}: {r.Text}");
            else _activity.Record(w, r);
            return;
        }
        _log($"worker {w.Pid}: malformed LOG ({why}); killed");
        SignalWatch.Kill(w.Pid);
        _pool.CloseChannel(w);
    }
}
