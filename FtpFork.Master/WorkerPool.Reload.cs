// A reload in the pool: what new pool workers start with is one immutable setup with a generation; idle workers of an older one are replaced.
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

/// <summary>What a new pool worker is told: the config (changed keys), its pre-login identity, the TLS material.</summary>
public sealed record PoolSetup(int Generation, string ConfigText, PreloginIdentity Prelogin, TlsMaterial? Tls);

public sealed partial class WorkerPool
{
    private PoolSetup _setup;

    /// <summary>The setup new pool workers get (read by the starter thread: replaced whole, never changed).</summary>
    public PoolSetup Setup => Volatile.Read(ref _setup);

    private bool Current(WorkerProc w) => w.Generation == Setup.Generation;

    /// <summary>ssl_enable: the certificate, key and CAs of the current setup (a session worker gets them when its session needs them).</summary>
    public TlsMaterial? Tls => Setup.Tls;

    /// <summary>
    /// From now on pool workers start with these. Ready pool workers started with an older setup
    /// leave (their channel closed: they exit on EOF) and Refill replaces them; those serving a
    /// client keep what they have, as live sessions do; one taken back later (worker_reuse) or whose
    /// start was under way leaves too. Spares get their config with the session, so they stay.
    /// Returns how many ready workers left.
    /// </summary>
    public int Reconfigure(string configText, PreloginIdentity prelogin, TlsMaterial? tls)
    {
        var next = new PoolSetup(Setup.Generation + 1, configText, prelogin, tls);
        Volatile.Write(ref _setup, next);
        int left = 0;
        for (int n = _idle.Count; n > 0; n--)
        {
            var w = _idle.Dequeue();
            if (Current(w)) { _idle.Enqueue(w); continue; }
            Retire(w);
            left++;
        }
        return left;
    }

    /// <summary>A pool worker of an older setup leaves (EOF on its channel); its exit is not a failed start.</summary>
    private void Retire(WorkerProc w)
    {
        w.Retired = true;
        CloseChannel(w);
    }
}
