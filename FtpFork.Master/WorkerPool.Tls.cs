// The certificate files the pool's workers get, and their renewal: new material replaces the pool workers that hold the old.
using System.Collections.Concurrent;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

public sealed partial class WorkerPool
{
    /// <summary>The material new workers get, with a number that grows at each renewal.</summary>
    private sealed record TlsSnapshot(TlsMaterial? Material, int Generation);

    private TlsSnapshot _tlsSnapshot = new(null, 0);
    // Pool workers the starter thread sent material to, by pid, until the loop collects them.
    private readonly ConcurrentDictionary<int, int> _startGeneration = new();

    private TlsSnapshot CurrentTls => Volatile.Read(ref _tlsSnapshot);

    /// <summary>
    /// ssl_enable: the certificate, key and CAs the master read and checked. Each new pool worker
    /// gets them (TLSCERT) before it drops privileges, a session worker when its session needs
    /// them. Read by the starter thread: replaced whole, never changed.
    /// </summary>
    public TlsMaterial? Tls
    {
        get => CurrentTls.Material;
        set => Volatile.Write(ref _tlsSnapshot, new TlsSnapshot(value, CurrentTls.Generation + 1));
    }

    /// <summary>Lets a pool worker go that holds old certificate files: it leaves on EOF, and its exit is not a failed start.</summary>
    private void Retire(WorkerProc w)
    {
        w.Retired = true;
        CloseChannel(w);
    }

    /// <summary>A pool worker started with certificate files older than the current ones.</summary>
    private bool HoldsOldCertificate(WorkerProc w) => Tls != null && w.TlsGeneration != CurrentTls.Generation;

    /// <summary>
    /// Renewed certificate files: new pool workers get them; the ready ones that hold the old
    /// ones lose their channel and exit (the pool refills), those serving a client keep theirs,
    /// and one that comes back (worker_reuse) is let go. Spares hold no certificate until their
    /// session's SESSION, so they need no replacing. Returns how many workers were let go.
    /// </summary>
    public int RenewTls(TlsMaterial material)
    {
        Tls = material;
        int gone = 0;
        for (int n = _idle.Count; n > 0; n--)
        {
            var w = _idle.Dequeue();
            if (HoldsOldCertificate(w))
            {
                Retire(w);
                gone++;
            }
            else _idle.Enqueue(w);
        }
        return gone;
    }
}
