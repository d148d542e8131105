// When a worker starts and when it goes: the pool's and the spares' targets, growth and shrink, starts under way at once.
namespace FtpFork.Master;

// A worker starts (on the starter thread, WorkerStarter.cs, at most MaxStarting at once):
//  - at the master's start and whenever the pool or the spares are below their target (Refill,
//    called by MasterLoop.Run each turn; paused for a second after a pool worker failed before
//    any client, MasterLoop.OnSignal);
//  - for each client that finds no ready worker (Take grows the target; EnsureStarting, from
//    MasterLoop.Accept and OnStarted), the client waiting in the master until one says READY;
//  - on the loop itself for a login that finds no spare (SpawnSession, WorkerPool.cs);
//  - with worker_reuse, a handed-over worker counts as the pool's until its client's first
//    command (BUSY) or GraceMs, so its replacement starts then (WorkerPool.Reuse.cs).
// A worker goes:
//  - when its session ends (QUIT, EOF, a timeout): it exits; SIGCHLD reaps it (Reaped);
//  - with worker_reuse, when it came back (IDLE) but the pool is full and no client waits
//    (Returned), or the master refused it (MasterLoop.Reuse.cs);
//  - after QuietMs without activity, when a grown pool shrinks back (Shrink: extra ready
//    workers lose their channel and exit on EOF);
//  - at stop (SignalAll), or when it sends what it should not (MasterLoop.OnWorkerReadable kills it).
public sealed partial class WorkerPool
{
    /// <summary>A grown pool shrinks back after this long with nothing to do (MasterLoop.Run's poll timeout).</summary>
    public const int QuietMs = 10_000;

    // Pool sizing: worker_pool_size ready workers; the target doubles (up to MaxTarget) each time a
    // client finds the pool empty, and falls back to the configured size after a quiet spell.
    // MaxTarget is 4 × worker_pool_size: a larger stock helps the next burst, but under steady load
    // its starts take CPU from the sessions served and are thrown away after the quiet spell
    // (measured: docs/performance.md, "The numbers in the code").
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
    // longer (docs/performance.md). A start silent for StallMs no longer counts, so a hung one
    // cannot stop the rest.
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
}
