// Local time for log lines through libc: tzset before any chroot, localtime_r after, instead of .NET's time-zone database in every worker.
namespace FtpFork.Common.Interop;

public static class LocalClock
{
    /// <summary>Reads /etc/localtime (or TZ) once; call before a chroot hides it. glibc keeps it for localtime_r.</summary>
    public static void Init() => Native.tzset();

    private static readonly string[] Days = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    private static readonly string[] Months = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

    /// <summary>Now in ctime(3)'s form, "Wed Nov 25 16:50:00 2026", local time (vsftpd's log lines).</summary>
    public static string Ctime()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (Native.localtime_r(now, out var tm) == IntPtr.Zero) return DateTime.UtcNow.ToString("ddd MMM d HH:mm:ss yyyy");
        return $"{Days[tm.tm_wday]} {Months[tm.tm_mon]} {tm.tm_mday,2} {tm.tm_hour:00}:{tm.tm_min:00}:{tm.tm_sec:00} {tm.tm_year + 1900}";
    }

    /// <summary>Now as syslog(3) stamps a message, "Dec  2 17:43:12" (RFC 3164, local time).</summary>
    public static string SyslogStamp()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (Native.localtime_r(now, out var tm) == IntPtr.Zero) return DateTime.UtcNow.ToString("MMM d HH:mm:ss");
        return $"{Months[tm.tm_mon]} {tm.tm_mday,2} {tm.tm_hour:00}:{tm.tm_min:00}:{tm.tm_sec:00}";
    }

    /// <summary>Now as "yyyy-MM-dd HH:mm:ss" in local time (UTC if the zone was never read).</summary>
    public static string Stamp()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (Native.localtime_r(now, out var tm) == IntPtr.Zero) return DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss");
        // Digits by hand, not $"{x:00}": a formatted interpolation rents from ArrayPool, whose first
        // use costs every new worker a per-core cache set-up.
        Span<char> c = stackalloc char[19];
        Digits(c[..4], tm.tm_year + 1900);
        c[4] = '-';
        Digits(c.Slice(5, 2), tm.tm_mon + 1);
        c[7] = '-';
        Digits(c.Slice(8, 2), tm.tm_mday);
        c[10] = ' ';
        Digits(c.Slice(11, 2), tm.tm_hour);
        c[13] = ':';
        Digits(c.Slice(14, 2), tm.tm_min);
        c[16] = ':';
        Digits(c.Slice(17, 2), tm.tm_sec);
        return new string(c);
    }

    private static void Digits(Span<char> into, int value)
    {
        for (int i = into.Length - 1; i >= 0; i--, value /= 10) into[i] = (char)('0' + value % 10);
    }
}
