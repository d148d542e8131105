// Local time for log lines through libc: tzset before any chroot, localtime_r after, instead of .NET's time-zone database in every worker.
namespace FtpFork.Common.Interop;

public static class LocalClock
{
    /// <summary>Reads /etc/localtime (or TZ) once; call before a chroot hides it. glibc keeps it for localtime_r.</summary>
    public static void Init() => Native.tzset();

    /// <summary>Now as "yyyy-MM-dd HH:mm:ss" in local time (UTC if the zone was never read).</summary>
    public static string Stamp()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (Native.localtime_r(now, out var tm) == IntPtr.Zero) return DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss");
        return $"{tm.tm_year + 1900:0000}-{tm.tm_mon + 1:00}-{tm.tm_mday:00} {tm.tm_hour:00}:{tm.tm_min:00}:{tm.tm_sec:00}";
    }
}
