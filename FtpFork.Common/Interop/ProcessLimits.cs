// Process-wide limits: the open-file limit (RLIMIT_NOFILE) the master raises at start.
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
}
