// The worker processes: starting them (posix_spawn, first messages), handing them out, reaping and stopping them.
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

/// <summary>The master's workers; when they start and go is in WorkerPool.Sizing.cs, worker_reuse in WorkerPool.Reuse.cs.</summary>
public sealed partial class WorkerPool
{
    private const int TitleRoom = 160; // argv bytes the worker can later rewrite as its title
    private readonly string _workerPath;
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
        _setup = new PoolSetup(0, ConfigTable.ToChangedText(config), PreloginIdentity.Unchanged, null);
        _log = log;
        if (!File.Exists(_workerPath))
            throw new FileNotFoundException($"worker binary not found beside the master: {_workerPath}");
        _starter = new WorkerStarter(StartOne);
    }

    /// <summary>The pipe every worker's stdout and stderr go to (WorkerOutput), -1 for the master's own.</summary>
    public int OutputFd { get; set; } = -1;

    /// <summary>Workers alive or being started: the master runs until this is 0 after a stop.</summary>
    public int Count => _byPid.Count + _pendingPool + _pendingSpare;
    public IEnumerable<WorkerProc> All => _byPid.Values;
    /// <summary>Readable when started workers are ready to be collected (CollectStarted).</summary>
    public int StarterFd => _starter.WakeFd;

    /// <summary>
    /// On the starter thread: a new worker on a fresh socketpair; a pool worker is sent its
    /// pre-login identity and the configuration right away (a spare waits for SESSION).
    /// </summary>
    private (int Pid, int Channel, SessionStats? Stats, int Generation) StartOne(WorkerKind kind)
    {
        var setup = Setup; // one immutable setup for the whole start
        var (pid, mine) = Start(kind == WorkerKind.Pool ? "ftpfork: worker" : "ftpfork: spare");
        SessionStats? stats = null;
        if (kind == WorkerKind.Pool)
        {
            try
            {
                stats = NewStats(out int page);
                try
                {
                    Channel.Send(mine, MessageType.Prelogin, setup.Prelogin.Format(), page);
                }
                finally
                {
                    Posix.Close(page);
                }
                Channel.Send(mine, MessageType.Config, setup.ConfigText);
                if (setup.Tls is TlsMaterial tls) Channel.Send(mine, MessageType.TlsCert, tls.Format());
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
        return (pid, mine, stats, setup.Generation);
    }

    /// <summary>A new stats page for a worker (`ftpfork who`'s live numbers); <paramref name="fd"/> goes to the worker, then is closed.</summary>
    private static SessionStats NewStats(out int fd) => new(SharedPage.Create(out fd));

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
            var w = new WorkerProc { Pid = s.Pid, Channel = s.Channel, IsSession = s.Kind == WorkerKind.Spare, StartedAt = Environment.TickCount64, Stats = s.Stats, Generation = s.Generation };
            bool gone = _reapedEarly.Remove(s.Pid);
            if (gone && s.Kind == WorkerKind.Pool) failed++; // it died at once: no worker came of it
            if (gone || _stopping)
            {
                CloseChannel(w); // already reaped, or we are stopping: an idle worker leaves on EOF
                if (gone) DropStats(w);
                if (!gone) _byPid[s.Pid] = w; // still to be reaped
                continue;
            }
            _byPid[s.Pid] = w;
            if (s.Kind == WorkerKind.Pool && !Current(w)) Retire(w); // started before a reload: leaves, Refill replaces it
            else if (s.Kind == WorkerKind.Pool) _idle.Enqueue(w);
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
        int page = -1;
        try
        {
            w.Stats ??= NewStats(out page);
            Channel.Send(mine, MessageType.Session, h.Format(), controlFd);
            Channel.Send(mine, MessageType.Config, configText, page);
            if (h.TlsCert) Channel.Send(mine, MessageType.TlsCert, (Tls ?? throw new InvalidOperationException("TLS session without certificates")).Format());
        }
        catch (PosixException)
        {
            SignalWatch.Kill(pid);
            CloseChannel(w);
            throw;
        }
        finally
        {
            Posix.Close(page);
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
                blocked: SignalWatch.WorkerSignals, output: OutputFd);
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
        DropStats(w);
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

    /// <summary>Unmaps a gone worker's stats page (only the loop thread reads pages, so none is being read).</summary>
    private static void DropStats(WorkerProc w)
    {
        w.Stats?.Page.Dispose();
        w.Stats = null;
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
