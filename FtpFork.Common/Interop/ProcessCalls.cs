// Process calls of the worker image and its children: fork, _exit, dup2, the signal mask, reaping without allocating, the master's subreaper role.
using System.Runtime.InteropServices;
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

/// <summary>
/// The calls the worker image makes in its wait loop allocate nothing (Posix.Check's allocation-free
/// form), since an allocation there can start a GC and a fork during one would hand the child a
/// heap half collected; only a failure allocates (its PosixException).
/// </summary>
public static unsafe class ProcessCalls
{
    /// <summary>fork(2): the child's pid in the parent, 0 in the child. Only the worker image calls it.</summary>
    public static int Fork() => (int)Posix.Check("fork", 0, &ForkCall);

    private static long ForkCall(int _) => Native.fork();

    /// <summary>
    /// _exit(2): ends the process now, without the runtime's shutdown or atexit handlers. A worker
    /// ends this way in both start modes: it has nothing buffered, and a forked one has no finalizer
    /// thread for a shutdown to wait on.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Exit(int status)
    {
        Native._exit(status);
        throw new InvalidOperationException("_exit returned");
    }

    /// <summary>dup2(2): <paramref name="newFd"/> becomes a copy of <paramref name="oldFd"/>, without close-on-exec.</summary>
    public static void Dup2(int oldFd, int newFd) =>
        Posix.Check("dup2", (oldFd, newFd), &Dup2Call);

    private static long Dup2Call((int Old, int New) a) => Native.dup2(a.Old, a.New);

    /// <summary>close(2) without allocating; errors are ignored (the fd is gone either way on Linux).</summary>
    public static void Close(int fd)
    {
        if (fd >= 0) Native.close(fd);
    }

    /// <summary>Sets the calling thread's signal mask to exactly <paramref name="blocked"/> (a forked child's, before it goes on).</summary>
    public static void SetSignalMask(Sig[] blocked)
    {
        byte* set = stackalloc byte[Native.SigSetSize];
        SignalWatch.FillSet((IntPtr)set, blocked);
        int rc = Native.pthread_sigmask(Native.SIG_SETMASK, (IntPtr)set, IntPtr.Zero);
        if (rc != 0) throw new PosixException("pthread_sigmask", NativeConvert.ToErrno(rc));
    }

    /// <summary>One waitpid(-1, WNOHANG): true with a reaped child's pid and raw status; false when none has exited.</summary>
    public static bool ReapOne(out int pid, out int status)
    {
        int st = 0;
        long r = Posix.Retrying((nint)(&st), &WaitAnyCall, out Errno e);
        pid = (int)r;
        status = st;
        if (r > 0) return true;
        if (r == 0 || e == Errno.ECHILD) return false;
        throw new PosixException("waitpid", e);
    }

    private static long WaitAnyCall(nint status) => Native.waitpid(-1, (int*)status, Native.WNOHANG);

    /// <summary>"exit N", "signal N" or "status N" for a raw waitpid status, as the master logs it.</summary>
    public static string Describe(int status) =>
        Syscall.WIFEXITED(status) ? $"exit {Syscall.WEXITSTATUS(status)}"
        : Syscall.WIFSIGNALED(status) ? $"signal {Syscall.WTERMSIG(status)}" : $"status {status}";

    /// <summary>
    /// Whether <paramref name="pid"/> is a child of this process, exited or not (waitid with
    /// WNOWAIT: nothing is reaped). A dead image's workers become the master's children (it is
    /// their subreaper); one that is not was reaped by the image before it died.
    /// </summary>
    public static bool IsChild(int pid)
    {
        byte* info = stackalloc byte[Native.SigInfoSize];
        long r = Posix.Retrying((pid, (nint)info), &PeekChildCall, out Errno e);
        if (r == 0) return true;
        if (e == Errno.ECHILD) return false;
        throw new PosixException("waitid", e);
    }

    private static long PeekChildCall((int Pid, nint Info) a) =>
        Native.waitid(Native.P_PID, a.Pid, (void*)a.Info, Native.WEXITED | Native.WNOHANG | Native.WNOWAIT);

    /// <summary>Threads of this process now (/proc/self/stat's num_threads), or null without /proc.</summary>
    public static int? ThreadCount()
    {
        try
        {
            string stat = ProcessTitle.ReadSmallFile("/proc/self/stat");
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(f[20 - 3], System.Globalization.CultureInfo.InvariantCulture); // f[0] is field 3
        }
        catch (Exception e) when (e is IOException or PosixException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>PR_SET_CHILD_SUBREAPER: orphans below this process (a dead image's workers) become its children.</summary>
    public static void BecomeSubreaper()
    {
        if (Native.prctl(Native.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
            throw new PosixException("prctl(PR_SET_CHILD_SUBREAPER)", NativeConvert.ToErrno(Marshal.GetLastPInvokeError()));
    }

    /// <summary>
    /// A detached native thread that runs <paramref name="body"/> (the runtime attaches it on entry).
    /// Cheaper than Thread.Start, which spins with sched_yield until the new thread has started: a
    /// worker starts one such thread, for its signals, in every process.
    /// </summary>
    public static void StartThread(string name, Action body)
    {
        var handle = GCHandle.Alloc((name, body));
        int rc = Native.pthread_create(out nuint t, IntPtr.Zero, &ThreadEntry, GCHandle.ToIntPtr(handle));
        if (rc != 0)
        {
            handle.Free();
            throw new PosixException("pthread_create", NativeConvert.ToErrno(rc));
        }
        Native.pthread_detach(t);
    }

    [UnmanagedCallersOnly]
    private static IntPtr ThreadEntry(IntPtr arg)
    {
        var handle = GCHandle.FromIntPtr(arg);
        var (name, body) = ((string, Action))handle.Target!;
        handle.Free();
        // Its name in /proc/PID/task/TID/comm, as Thread.Name gives a runtime thread (at most 15 bytes).
        byte* comm = stackalloc byte[16];
        int n = System.Text.Encoding.ASCII.GetBytes(name.AsSpan(0, Math.Min(15, name.Length)), new Span<byte>(comm, 15));
        comm[n] = 0;
        Native.prctl(Native.PR_SET_NAME, (nuint)comm, 0, 0, 0);
        body();
        return IntPtr.Zero;
    }
}
