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
    /// <summary>Said READY: its start is over and it waits for CLIENT (pool) or SESSION (spare).</summary>
    public bool Ready { get; set; }
    /// <summary>When it was started (Environment.TickCount64): a start that never says READY stops counting as one after a while.</summary>
    public long StartedAt { get; init; }
    /// <summary>When its current client was handed over (Environment.TickCount64).</summary>
    public long HandedAt { get; set; }
    /// <summary>Its client sent a command other than QUIT (BUSY): it will not come back to the pool.</summary>
    public bool Committed { get; set; }
    /// <summary>fstat's (device, inode) of the client socket handed over: what IDLE must send back.</summary>
    public (ulong Dev, ulong Ino) ClientSocket { get; set; }
    /// <summary>worker_reuse: a pool worker serving a client that has sent no command but QUIT, no login under way or done.</summary>
    public bool MayComeBack => !IsSession && ClientIp != null && !Committed && !LoggedIn && AuthFd < 0;
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
        else
        {
            TellSpare(mine);
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
            var w = new WorkerProc { Pid = s.Pid, Channel = s.Channel, IsSession = s.Kind == WorkerKind.Spare, StartedAt = Environment.TickCount64 };
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
        // A ready spare, else the one furthest into its start, else one started now.
        var w = TakeLive(_spare, readyOnly: true) ?? TakeLive(_spare, readyOnly: false);
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
        TellSpare(mine);
        var w = new WorkerProc { Pid = pid, Channel = mine, IsSession = true, StartedAt = Environment.TickCount64 };
        _byPid[pid] = w;
        return w;
    }

    /// <summary>SPARE: a new spare's first message (it then says READY and waits for SESSION).</summary>
    private static void TellSpare(int channel)
    {
        try
        {
            Channel.Send(channel, MessageType.Spare, "");
        }
        catch (PosixException)
        {
            // It died at once; SIGCHLD reaps it, and its closed channel keeps it from being used.
        }
    }

    /// <summary>
    /// The first worker of the queue that is still alive and reachable (and ready, with
    /// <paramref name="readyOnly"/>), or null; the dead are dropped, the others keep their order.
    /// </summary>
    private WorkerProc? TakeLive(Queue<WorkerProc> q, bool readyOnly)
    {
        WorkerProc? found = null;
        for (int n = q.Count; n > 0; n--)
        {
            var w = q.Dequeue();
            if (w.Channel < 0 || !_byPid.ContainsKey(w.Pid)) continue;
            if (found == null && (w.Ready || !readyOnly)) found = w;
            else q.Enqueue(w);
        }
        return found;
    }

    private (int Pid, int Channel) Start(string title)
    {
        var (mine, theirs) = Posix.SocketPair();
        int pid;
        try
        {
            // ALRM, TERM and INT blocked: every thread of the worker inherits that, and only its
            // signal thread unblocks them while it waits (SignalWatch.Blocked).
            pid = Spawner.Spawn(_workerPath, new[] { title.PadRight(TitleRoom) }, theirs, Channel.WorkerFd,
                blocked: SignalWatch.WorkerSignals);
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
    // MaxTarget is 4 × worker_pool_size: a stock of workers helps the next burst of clients, but
    // under steady load every start of a larger stock took CPU from the sessions being served and
    // was thrown away after the quiet spell (with 64: up to ~120 extra starts after each 8-client
    // run, local sessions cost 53-60 CPU-ms each at 8 clients against 48-55 at 32).
    private int MaxTarget => Math.Max(4, 4 * _baseSize);
    private int _target = -1;


    // Spares have their own target: worker_pool_size when a login can need a new process (see
    // SparesNeeded), doubled each time a login finds none; 0 otherwise (an anonymous-only server
    // whose anonymous sessions stay in the pre-login process would only keep idle root processes).
    private int _spareTarget = -1;

    /// <summary>Whether some login can need a session worker; set by the master before the first start.</summary>
    public bool SparesNeeded { get; set; } = true;

    /// <summary>Pool workers ready for a client now.</summary>
    public int ReadyCount => _idle.Count(w => w.Ready && w.Channel >= 0);

    /// <summary>A started worker said READY (the master checked it had not before).</summary>
    public void MarkReady(WorkerProc w) => w.Ready = true;

    /// <summary>True while the pool holds (or is starting) fewer ready or spare workers than its targets.</summary>
    public bool NeedsWorker => !_stopping && (PoolShort || SpareShort);
    private bool PoolShort => _idle.Count + _pendingPool + Returning(Environment.TickCount64) < _target;
    private bool SpareShort => _spare.Count + _pendingSpare < _spareTarget;

    /// <summary>worker_reuse, from the config: set by the master before the first start.</summary>
    public bool Reuse { get; set; }

    // worker_reuse: a pool worker whose client has sent no command but QUIT may come back (IDLE) for
    // GraceMs after the hand-over, and counts as the pool's until then: a health check or a port
    // scan then costs no process start, and a session's replacement starts at its first command.
    private bool MayReturn(WorkerProc w, long now) =>
        w.MayComeBack && w.Channel >= 0 && now - w.HandedAt < WorkerReuse.GraceMs;

    private int Returning(long now)
    {
        if (!Reuse) return 0;
        int n = 0;
        foreach (var w in _byPid.Values) if (MayReturn(w, now)) n++;
        return n;
    }

    /// <summary>Milliseconds until a worker that may come back stops counting as the pool's (the pool may then need a start); -1 when none counts.</summary>
    public int MsUntilGraceEnds()
    {
        if (!Reuse) return -1;
        long now = Environment.TickCount64, first = long.MaxValue;
        foreach (var w in _byPid.Values)
            if (MayReturn(w, now)) first = Math.Min(first, w.HandedAt + WorkerReuse.GraceMs - now);
        return first == long.MaxValue ? -1 : (int)Math.Max(1, first);
    }

    /// <summary>
    /// A worker the master took back (IDLE checked): ready for the next client, or, when the pool
    /// is full without it and no client waits, told to leave (its channel closed). True when kept.
    /// </summary>
    public bool Returned(WorkerProc w, bool clientsWaiting)
    {
        w.ClientIp = null;
        w.ClientPort = 0;
        w.Committed = false;
        if (!clientsWaiting && _idle.Count + _pendingPool >= _target)
        {
            CloseChannel(w);
            return false;
        }
        _idle.Enqueue(w);
        return true;
    }

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

    // Starts under way at once (requested, or started and not READY yet): one per CPU. More would
    // only share the CPUs, so that every one of them, and the client waiting for the first, takes
    // longer; on 2 CPUs, 500 back-to-back connections had a connect→220 p99 of ~40 ms against ~22 ms
    // with this limit. A start silent for StallMs no longer counts, so a hung one cannot stop the rest.
    private static readonly int MaxStarting = Math.Max(1, Environment.ProcessorCount);
    private const long StallMs = 10_000;

    private int Starting(Queue<WorkerProc> q)
    {
        long now = Environment.TickCount64;
        int n = 0;
        foreach (var w in q) if (!w.Ready && now - w.StartedAt < StallMs) n++;
        return n;
    }

    private int StartingPool => _pendingPool + Starting(_idle);
    private int StartingTotal => StartingPool + _pendingSpare + Starting(_spare);

    /// <summary>Asks the starter thread for missing ready (pre-login) and spare (session) workers, as many at once as MaxStarting allows.</summary>
    public void Refill()
    {
        while (NeedsWorker && StartingTotal < MaxStarting)
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
        var ready = TakeLive(_idle, readyOnly: true);
        if (ready != null) return ready;
        if (_target > 0) _target = Math.Min(MaxTarget, _target * 2);
        return null;
    }

    /// <summary>
    /// Makes sure pool workers are being started for <paramref name="count"/> waiting clients: as
    /// many as MaxStarting allows, and always at least one.
    /// </summary>
    public void EnsureStarting(int count)
    {
        while (!_stopping && StartingPool < count && (StartingPool == 0 || StartingTotal < MaxStarting)) RequestPool();
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
        // A pool worker or spare that died unused: dropped, so the queues count only live workers
        // (and a start that died does not hold a place among those under way).
        Drop(_idle, w);
        Drop(_spare, w);
        return w;
    }

    private static void Drop(Queue<WorkerProc> q, WorkerProc w)
    {
        for (int n = q.Count; n > 0; n--)
        {
            var x = q.Dequeue();
            if (x != w) q.Enqueue(x);
        }
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
