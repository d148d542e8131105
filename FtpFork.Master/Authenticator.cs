// Login checks off the accept loop: a few threads run LoginPolicy; results come back through a self-pipe the loop polls.
using System.Collections.Concurrent;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

public sealed class Authenticator
{
    private LoginPolicy _policy;
    private readonly Action<string> _log;
    // A plain queue under a lock, waited on with Monitor.Wait: BlockingCollection's semaphore spins
    // (dozens of sched_yield per login) before it blocks, CPU the sessions need under load.
    private readonly Queue<(int Pid, AuthRequest Request, string Ip, int Port)> _in = new();
    private readonly ConcurrentQueue<AuthOutcome> _out = new();
    private readonly SelfPipe _wake = new();

    /// <summary>Starts <paramref name="threads"/> checkers: a slow PAM module or hash never stalls accept().</summary>
    public Authenticator(LoginPolicy policy, Action<string> log, int threads)
    {
        _policy = policy;
        _log = log;
        for (int i = 0; i < threads; i++)
            new Thread(Work) { IsBackground = true, Name = $"auth{i}" }.Start();
    }

    /// <summary>The policy logins are decided by; a reload replaces it whole (a check under way finishes with the old one).</summary>
    public LoginPolicy Policy
    {
        get => Volatile.Read(ref _policy);
        set => Volatile.Write(ref _policy, value);
    }

    /// <summary>The fd the master's poll loop watches; readable when outcomes wait.</summary>
    public int WakeFd => _wake.ReadFd;

    public void Submit(int pid, AuthRequest request, string ip, int port)
    {
        lock (_in)
        {
            _in.Enqueue((pid, request, ip, port));
            Monitor.Pulse(_in);
        }
    }

    private (int Pid, AuthRequest Request, string Ip, int Port) Next()
    {
        lock (_in)
        {
            while (_in.Count == 0) Monitor.Wait(_in);
            return _in.Dequeue();
        }
    }

    /// <summary>Every outcome ready now (call when WakeFd is readable).</summary>
    public List<AuthOutcome> Drain()
    {
        _wake.Drain();
        var list = new List<AuthOutcome>();
        while (_out.TryDequeue(out var o)) list.Add(o);
        return list;
    }

    private void Work()
    {
        while (true)
        {
            var (pid, request, ip, port) = Next();
            AuthOutcome o;
            try
            {
                o = Policy.Decide(pid, request, ip, port);
            }
            catch (Exception e)
            {
                _log($"worker {pid}: login check failed: {e.GetType().Name}: {e.Message}");
                o = new AuthOutcome(pid, null, "", "internal error checking the login", "");
            }
            _out.Enqueue(o);
            _wake.Notify(1);
        }
    }
}
