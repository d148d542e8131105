// The worker processes: spawning with posix_spawn, the ready pool, and who serves which client.
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

public sealed class WorkerProc
{
    public required int Pid { get; init; }
    /// <summary>The master's end of this worker's socketpair; -1 once closed.</summary>
    public int Channel { get; set; }
    /// <summary>The client's address once a client was handed over; null while in the pool.</summary>
    public string? ClientIp { get; set; }
    public int ClientPort { get; set; }
    /// <summary>Clients connected when this one was handed over, itself included (STAT shows it, as vsftpd).</summary>
    public int ClientCount { get; set; }
    /// <summary>A logged-in session's worker (started with the user's identity), never a pool worker.</summary>
    public bool IsSession { get; init; }
    /// <summary>The control fd a pre-login worker passed with AUTH, held while its login is checked; -1 otherwise.</summary>
    public int AuthFd { get; set; } = -1;
    /// <summary>A pool worker whose anonymous login stayed in it (anon_single_process).</summary>
    public bool LoggedIn { get; set; }
}

public sealed class WorkerPool
{
    private const int TitleRoom = 160; // argv bytes the worker can later rewrite as its title
    private readonly string _workerPath;
    private readonly string _configText;
    private readonly Dictionary<int, WorkerProc> _byPid = new();
    private readonly Queue<WorkerProc> _idle = new();
    private readonly Action<string> _log;

    public WorkerPool(FtpConfig config, Action<string> log)
    {
        _workerPath = Path.Combine(AppContext.BaseDirectory, "ftpfork-worker");
        _configText = ConfigTable.ToChangedText(config);
        _log = log;
        if (!File.Exists(_workerPath))
            throw new FileNotFoundException($"worker binary not found beside the master: {_workerPath}");
    }

    /// <summary>What new pool workers become before their first client (PRELOGIN); set by the master at start.</summary>
    public PreloginIdentity Prelogin { get; set; } = PreloginIdentity.Unchanged;

    public int Count => _byPid.Count;
    public int IdleCount => _idle.Count;
    public IEnumerable<WorkerProc> All => _byPid.Values;

    /// <summary>Starts one worker on a fresh socketpair and sends it its pre-login identity and the configuration.</summary>
    public WorkerProc Spawn()
    {
        var (pid, mine) = Start("ftpfork: worker");
        var w = new WorkerProc { Pid = pid, Channel = mine };
        _byPid[pid] = w;
        try
        {
            Channel.Send(mine, MessageType.Prelogin, Prelogin.Format());
            Channel.Send(mine, MessageType.Config, _configText);
        }
        catch (PosixException e)
        {
            _log($"worker {pid}: cannot send its start messages: {e.Message}");
        }
        return w;
    }

    /// <summary>
    /// Starts the worker of a logged-in session: SESSION (identity, state, the control fd) then its
    /// own CONFIG. Throws when it cannot be started or told; the caller then refuses the login.
    /// </summary>
    public WorkerProc SpawnSession(SessionHandoff h, string configText, int controlFd)
    {
        var w = TakeLive(_spare) ?? StartSpare();
        int pid = w.Pid, mine = w.Channel;
        try
        {
            Channel.Send(mine, MessageType.Session, h.Format(), controlFd);
            Channel.Send(mine, MessageType.Config, configText);
        }
        catch (PosixException)
        {
            SignalWatch.Kill(pid);
            CloseChannel(w);
            throw;
        }
        return w;
    }

    /// <summary>
    /// A spare: a worker started (as the master's user) that has been told nothing yet; it becomes a
    /// logged-in session's worker when SESSION arrives, so a login does not wait for a process start.
    /// </summary>
    private WorkerProc StartSpare()
    {
        var (pid, mine) = Start("ftpfork: spare");
        var w = new WorkerProc { Pid = pid, Channel = mine, IsSession = true };
        _byPid[pid] = w;
        return w;
    }

    /// <summary>The first worker of the queue that is still alive and reachable, or null.</summary>
    private WorkerProc? TakeLive(Queue<WorkerProc> q)
    {
        while (q.Count > 0)
        {
            var w = q.Dequeue();
            if (w.Channel >= 0 && _byPid.ContainsKey(w.Pid)) return w;
        }
        return null;
    }

    private (int Pid, int Channel) Start(string title)
    {
        var (mine, theirs) = Posix.SocketPair();
        int pid;
        try
        {
            pid = Spawner.Spawn(_workerPath, new[] { title.PadRight(TitleRoom) }, theirs, Channel.WorkerFd);
        }
        catch
        {
            Posix.Close(mine);
            throw;
        }
        finally
        {
            Posix.Close(theirs);
        }
        return (pid, mine);
    }

    public WorkerProc? Find(int pid) => _byPid.GetValueOrDefault(pid);

    /// <summary>Tops the ready pool up to <paramref name="size"/> workers.</summary>
    public void Refill(int size)
    {
        while (_idle.Count < size) _idle.Enqueue(Spawn());
    }

    // Pool sizing: worker_pool_size ready workers; the target doubles (up to MaxTarget) each time a
    // client finds the pool empty, and falls back to the configured size after a quiet spell.
    private const int MaxTarget = 64;
    private int _target = -1;

    /// <summary>How many ready workers the pool aims for now.</summary>
    public int Target => _target;

    private readonly Queue<WorkerProc> _spare = new();

    /// <summary>True while the pool holds fewer ready (pre-login) or spare (session) workers than its target.</summary>
    public bool NeedsWorker => _idle.Count < _target || _spare.Count < _target;

    public void SetBaseSize(int size) => _target = size;

    /// <summary>Starts one ready worker (the master calls this when nothing else is pending).</summary>
    public void SpawnOne()
    {
        if (_idle.Count <= _spare.Count) _idle.Enqueue(Spawn());
        else _spare.Enqueue(StartSpare());
    }

    /// <summary>Back to <paramref name="size"/>: extra ready workers lose their channel and exit.</summary>
    public void Shrink(int size)
    {
        _target = size;
        while (_idle.Count > size) CloseChannel(_idle.Dequeue());
        while (_spare.Count > size) CloseChannel(_spare.Dequeue());
    }

    /// <summary>A ready worker, started now when the pool is empty (and the pool grows for next time).</summary>
    public WorkerProc Take()
    {
        var ready = TakeLive(_idle);
        if (ready != null) return ready;
        if (_target > 0) _target = Math.Min(MaxTarget, _target * 2);
        return Spawn();
    }

    /// <summary>Forgets a reaped worker; returns it so the caller can release its client's slot.</summary>
    public WorkerProc? Reaped(int pid)
    {
        if (!_byPid.Remove(pid, out var w)) return null;
        CloseChannel(w);
        Posix.Close(w.AuthFd);
        w.AuthFd = -1;
        if (_idle.Contains(w))
        {
            // A pool worker died before serving anyone: drop it, so Refill counts only live workers.
            var live = _idle.Where(x => x != w).ToList();
            _idle.Clear();
            foreach (var x in live) _idle.Enqueue(x);
        }
        return w;
    }

    public void CloseChannel(WorkerProc w)
    {
        Posix.Close(w.Channel);
        w.Channel = -1;
    }

    /// <summary>Stop: pool workers lose their channel (they exit on EOF); every worker gets SIGTERM.</summary>
    public void SignalAll()
    {
        while (_idle.Count > 0) CloseChannel(_idle.Dequeue());
        while (_spare.Count > 0) CloseChannel(_spare.Dequeue());
        foreach (var w in _byPid.Values) SignalWatch.Send(w.Pid, Sig.Term);
    }
}
