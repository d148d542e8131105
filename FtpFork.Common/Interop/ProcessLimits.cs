// Process-wide limits and kernel knobs: the open-file limit, the parent-death signal.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public static class ProcessLimits
{
    /// <summary>Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the new soft limit.</summary>
    public static ulong RaiseOpenFiles()
    {
        if (Native.getrlimit(Native.RLIMIT_NOFILE, out var lim) != 0)
            throw new PosixException("getrlimit", Stdlib.GetLastError());
        if (lim.Cur < lim.Max)
        {
            var want = new Native.RLimit { Cur = lim.Max, Max = lim.Max };
            if (Native.setrlimit(Native.RLIMIT_NOFILE, want) != 0)
                throw new PosixException("setrlimit", Stdlib.GetLastError());
            return lim.Max;
        }
        return lim.Cur;
    }

    /// <summary>The kernel sends SIGKILL to this process when its parent dies.</summary>
    public static void DieWithParent()
    {
        if (Native.prctl(Native.PR_SET_PDEATHSIG, 9, 0, 0, 0) != 0)
            throw new PosixException("prctl(PR_SET_PDEATHSIG)", Stdlib.GetLastError());
    }
}
