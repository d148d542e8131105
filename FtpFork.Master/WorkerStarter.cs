// Starts workers off the master's loop: one thread does socketpair + posix_spawn + the start messages; the loop collects the results.
using System.Collections.Concurrent;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

public enum WorkerKind { Pool, Spare }

/// <summary>A started worker (Pid, the master's channel end, its stats page if it has one), or why it could not be started.</summary>
public readonly record struct StartedWorker(WorkerKind Kind, int Pid, int Channel, SessionStats? Stats, string? Error, int Generation = 0);

/// <summary>
/// posix_spawn blocks its caller until the child has exec'd (CLONE_VFORK): on a busy machine that
/// is milliseconds. Done on the master's loop it would delay every accept behind it, so pool and
/// spare workers are started here and handed back through a queue and a wake-up pipe the loop polls.
/// </summary>
public sealed class WorkerStarter
{
    private readonly BlockingCollection<WorkerKind> _requests = new();
    private readonly ConcurrentQueue<StartedWorker> _done = new();
    private readonly SelfPipe _wake = new();
    private readonly Func<WorkerKind, (int Pid, int Channel, SessionStats? Stats, int Generation)> _start;
    private volatile bool _stopped;

    /// <param name="start">Starts one worker of a kind; runs on the starter thread, so it may only use immutable state.</param>
    public WorkerStarter(Func<WorkerKind, (int Pid, int Channel, SessionStats? Stats, int Generation)> start)
    {
        _start = start;
        new Thread(Run) { IsBackground = true, Name = "starter" }.Start();
    }

    /// <summary>The fd the loop polls: readable when started workers wait to be collected.</summary>
    public int WakeFd => _wake.ReadFd;

    public void Request(WorkerKind kind) => _requests.Add(kind);

    /// <summary>Everything started since the last call (loop thread).</summary>
    public List<StartedWorker> Collect()
    {
        _wake.Drain();
        var list = new List<StartedWorker>();
        while (_done.TryDequeue(out var s)) list.Add(s);
        return list;
    }

    /// <summary>No more starts: requests still queued come back as errors, so they are accounted for.</summary>
    public void Stop() => _stopped = true;

    private void Run()
    {
        foreach (var kind in _requests.GetConsumingEnumerable())
        {
            StartedWorker result;
            if (_stopped)
            {
                result = new StartedWorker(kind, -1, -1, null, "stopping");
            }
            else
            {
                try
                {
                    var (pid, channel, stats, generation) = _start(kind);
                    result = new StartedWorker(kind, pid, channel, stats, null, generation);
                }
                catch (PosixException e)
                {
                    result = new StartedWorker(kind, -1, -1, null, e.Message);
                }
            }
            _done.Enqueue(result);
            try
            {
                _wake.Notify(1);
            }
            catch (PosixException)
            {
                // The pipe is full: the loop has plenty to collect already.
            }
        }
    }
}
