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
        _configText = ConfigTable.ToText(config);
        _log = log;
        if (!File.Exists(_workerPath))
            throw new FileNotFoundException($"worker binary not found beside the master: {_workerPath}");
    }

    public int Count => _byPid.Count;
    public int IdleCount => _idle.Count;
    public IEnumerable<WorkerProc> All => _byPid.Values;

    /// <summary>Starts one worker on a fresh socketpair and sends it the configuration.</summary>
    public WorkerProc Spawn()
    {
        var (mine, theirs) = Posix.SocketPair();
        int pid;
        try
        {
            pid = Spawner.Spawn(_workerPath, new[] { "ftpfork: worker".PadRight(TitleRoom) }, theirs, Channel.WorkerFd);
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
        var w = new WorkerProc { Pid = pid, Channel = mine };
        _byPid[pid] = w;
        try
        {
            Channel.Send(mine, MessageType.Config, _configText);
        }
        catch (PosixException e)
        {
            _log($"worker {pid}: cannot send config: {e.Message}");
        }
        return w;
    }

    /// <summary>Tops the ready pool up to <paramref name="size"/> workers.</summary>
    public void Refill(int size)
    {
        while (_idle.Count < size) _idle.Enqueue(Spawn());
    }

    /// <summary>A ready worker, started now when the pool is empty.</summary>
    public WorkerProc Take()
    {
        while (_idle.Count > 0)
        {
            var w = _idle.Dequeue();
            if (w.Channel >= 0 && _byPid.ContainsKey(w.Pid)) return w;
        }
        return Spawn();
    }

    /// <summary>Forgets a reaped worker; returns it so the caller can release its client's slot.</summary>
    public WorkerProc? Reaped(int pid)
    {
        if (!_byPid.Remove(pid, out var w)) return null;
        CloseChannel(w);
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
        foreach (var w in _byPid.Values) SignalWatch.Send(w.Pid, Sig.Term);
    }
}
