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
    private readonly Queue<WorkerProc> _spare = new();
    private readonly Action<string> _log;
    private readonly WorkerStarter _starter;
    // Starts requested from the starter thread and not collected yet, by kind.
    private int _pendingPool, _pendingSpare;
    // Pids reaped before their start was collected (a worker that died at once): dropped when it is.
    private readonly HashSet<int> _reapedEarly = new();
    private bool _stopping;

    public WorkerPool(FtpConfig config, Action<string> log)
    {
        _workerPath = Path.Combine(AppContext.BaseDirectory, "ftpfork-worker");
        _configText = ConfigTable.ToChangedText(config);
        _log = log;
        if (!File.Exists(_workerPath))
            throw new FileNotFoundException($"worker binary not found beside the master: {_workerPath}");
        _starter = new WorkerStarter(StartOne);
    }

    /// <summary>xferlog_file, opened by the master: passed with PRELOGIN and a session's CONFIG; -1 without.</summary>
    public int XferlogFd { get; set; } = -1;

    /// <summary>What new pool workers become before their first client (PRELOGIN); set by the master before the first start.</summary>
    public PreloginIdentity Prelogin { get; set; } = PreloginIdentity.Unchanged;

    /// <summary>Workers alive or being started: the master runs until this is 0 after a stop.</summary>
    public int Count => _byPid.Count + _pendingPool + _pendingSpare;
    public int IdleCount => _idle.Count;
    public IEnumerable<WorkerProc> All => _byPid.Values;
    /// <summary>Readable when started workers are ready to be collected (CollectStarted).</summary>
    public int StarterFd => _starter.WakeFd;

    /// <summary>
    /// On the starter thread: a new worker on a fresh socketpair; a pool worker is sent its
    /// pre-login identity and the configuration right away (a spare waits for SESSION).
    /// </summary>
    private (int Pid, int Channel) StartOne(WorkerKind kind)
    {
        var (pid, mine) = Start(kind == WorkerKind.Pool ? "ftpfork: worker" : "ftpfork: spare");
        if (kind == WorkerKind.Pool)
        {
            try
            {
                // The log only goes to a pre-login worker that may keep an anonymous session.
                Channel.Send(mine, MessageType.Prelogin, Prelogin.Format(), Prelogin.Anonymous ? XferlogFd : -1);
                Channel.Send(mine, MessageType.Config, _configText);
            }
            catch (PosixException)
            {
                // It died at once; SIGCHLD reaps it, and its closed channel keeps it from being used.
            }
        }
        return (pid, mine);
    }

    /// <summary>
    /// Takes in what the starter thread started. Returns how many pool worker starts failed or died
    /// at once (the master then gives up on as many waiting clients: they could wait for ever).
    /// </summary>
    public int CollectStarted()
    {
        int failed = 0;
        foreach (var s in _starter.Collect())
        {
            if (s.Kind == WorkerKind.Pool) _pendingPool--; else _pendingSpare--;
            if (s.Error != null)
            {
                if (!_stopping) _log($"cannot start a worker: {s.Error}");
                if (s.Kind == WorkerKind.Pool) failed++;
                continue;
            }
            var w = new WorkerProc { Pid = s.Pid, Channel = s.Channel, IsSession = s.Kind == WorkerKind.Spare };
            bool gone = _reapedEarly.Remove(s.Pid);
            if (gone && s.Kind == WorkerKind.Pool) failed++; // it died at once: no worker came of it
            if (gone || _stopping)
            {
                CloseChannel(w); // already reaped, or we are stopping: an idle worker leaves on EOF
                if (!gone) _byPid[s.Pid] = w; // still to be reaped
                continue;
            }
            _byPid[s.Pid] = w;
            if (s.Kind == WorkerKind.Pool) _idle.Enqueue(w);
            else _spare.Enqueue(w);
        }
        return failed;
    }

    /// <summary>
    /// Starts the worker of a logged-in session: SESSION (identity, state, the control fd) then its
    /// own CONFIG. Throws when it cannot be started or told; the caller then refuses the login.
    /// </summary>
    public WorkerProc SpawnSession(SessionHandoff h, string configText, int controlFd)
    {
        var w = TakeLive(_spare);
        if (w == null)
        {
            _spareTarget = Math.Min(MaxTarget, Math.Max(1, _spareTarget * 2)); // more spares next time
            w = StartSpare();
        }
        int pid = w.Pid, mine = w.Channel;
        try
        {
            Channel.Send(mine, MessageType.Session, h.Format(), controlFd);
            Channel.Send(mine, MessageType.Config, configText, XferlogFd);
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
    /// Started here, on the loop, only when none is ready (normally the starter thread keeps some).
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

    // Pool sizing: worker_pool_size ready workers; the target doubles (up to MaxTarget) each time a
    // client finds the pool empty, and falls back to the configured size after a quiet spell.
    private const int MaxTarget = 64;
    private int _target = -1;


    // Spares have their own target: worker_pool_size when a login can need a new process (see
    // SparesNeeded), doubled each time a login finds none; 0 otherwise (an anonymous-only server
    // whose anonymous sessions stay in the pre-login process would only keep idle root processes).
    private int _spareTarget = -1;

    /// <summary>Whether some login can need a session worker; set by the master before the first start.</summary>
    public bool SparesNeeded { get; set; } = true;

    /// <summary>True while the pool holds (or is starting) fewer ready or spare workers than its targets.</summary>
    public bool NeedsWorker => !_stopping && (PoolShort || SpareShort);
    private bool PoolShort => _idle.Count + _pendingPool < _target;
    private bool SpareShort => _spare.Count + _pendingSpare < _spareTarget;

    private int _baseSize;
    private int BaseSpares => SparesNeeded ? _baseSize : 0;

    /// <summary>Whether a target is above its base (the master shrinks it after a quiet spell).</summary>
    public bool Grown => _target > _baseSize || _spareTarget > BaseSpares;

    /// <summary>worker_pool_size: the pool's target, and the spares' where a login can need one.</summary>
    public void SetBaseSize(int size)
    {
        _baseSize = size;
        _target = size;
        _spareTarget = BaseSpares;
    }

    // Starts in flight for refilling: the starter works one at a time, so a longer queue would only
    // make a start for a waiting client (EnsureStarting) wait behind it.
    private const int MaxRefillInFlight = 2;

    /// <summary>Asks the starter thread for missing ready (pre-login) and spare (session) workers, a couple at a time.</summary>
    public void Refill()
    {
        while (NeedsWorker && _pendingPool + _pendingSpare < MaxRefillInFlight)
        {
            // Both short: the one with fewer ready goes first, the pool on a tie.
            if (PoolShort && (!SpareShort || _idle.Count + _pendingPool <= _spare.Count + _pendingSpare)) RequestPool();
            else RequestSpare();
        }
    }

    private void RequestPool()
    {
        _pendingPool++;
        _starter.Request(WorkerKind.Pool);
    }

    private void RequestSpare()
    {
        _pendingSpare++;
        _starter.Request(WorkerKind.Spare);
    }

    /// <summary>Back to the base size: extra ready workers lose their channel and exit.</summary>
    public void Shrink()
    {
        SetBaseSize(_baseSize);
        while (_idle.Count > _target) CloseChannel(_idle.Dequeue());
        while (_spare.Count > _spareTarget) CloseChannel(_spare.Dequeue());
    }

    /// <summary>
    /// A ready worker, or null when none is (the client then waits for one, see EnsureStarting;
    /// the pool grows for next time).
    /// </summary>
    public WorkerProc? Take()
    {
        var ready = TakeLive(_idle);
        if (ready != null) return ready;
        if (_target > 0) _target = Math.Min(MaxTarget, _target * 2);
        return null;
    }

    /// <summary>Makes sure at least <paramref name="count"/> pool workers are being started (for waiting clients).</summary>
    public void EnsureStarting(int count)
    {
        while (!_stopping && _pendingPool < count) RequestPool();
    }

    /// <summary>Forgets a reaped worker; returns it so the caller can release its client's slot.</summary>
    public WorkerProc? Reaped(int pid)
    {
        if (!_byPid.Remove(pid, out var w))
        {
            if (_pendingPool + _pendingSpare > 0) _reapedEarly.Add(pid); // started, not collected yet
            return null;
        }
        CloseChannel(w);
        Posix.Close(w.AuthFd);
        w.AuthFd = -1;
        if (_idle.Contains(w))
        {
            // A pool worker died before serving anyone: drop it, so the pool counts only live workers.
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

    /// <summary>Stop: no more starts; pool workers lose their channel (they exit on EOF); every worker gets SIGTERM.</summary>
    public void SignalAll()
    {
        _stopping = true;
        _starter.Stop();
        while (_idle.Count > 0) CloseChannel(_idle.Dequeue());
        while (_spare.Count > 0) CloseChannel(_spare.Dequeue());
        foreach (var w in _byPid.Values) SignalWatch.Send(w.Pid, Sig.Term);
    }
}
