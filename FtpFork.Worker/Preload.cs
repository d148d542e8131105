// Loads now what would otherwise load lazily from disk, since a worker's chroot hides the disk: assemblies, time zone, console.
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public static class Preload
{
    /// <summary>Call before any chroot. Under Native AOT there are no assemblies to load; under JIT every referenced one is loaded.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only runs with the JIT, where nothing is trimmed.")]
    public static void BeforeChroot()
    {
        LocalClock.Init(); // /etc/localtime: log lines keep local time inside the chroot
        WarmSockets();
        if (!RuntimeFeature.IsDynamicCodeSupported) return;
        var seen = new HashSet<string>();
        var todo = new Stack<Assembly>(new[] { typeof(Preload).Assembly });
        while (todo.Count > 0)
        {
            var a = todo.Pop();
            foreach (var name in a.GetReferencedAssemblies())
            {
                if (!seen.Add(name.FullName)) continue;
                try { todo.Push(Assembly.Load(name)); }
                catch (FileNotFoundException) { }
            }
        }
    }

    /// <summary>
    /// Once the config is known, still before the chroot: .NET's time-zone data only when listings
    /// show local time (use_localtime=YES): loading it would lengthen every worker start otherwise.
    /// </summary>
    public static void ForConfig(FtpFork.Common.Config.FtpConfig config)
    {
        if (config.UseLocaltime) _ = TimeZoneInfo.Local;
    }

    /// <summary>banner_file's lines, read before the chroot hides it; null without one (or when it cannot be read: logged).</summary>
    public static string[]? Banner(FtpFork.Common.Config.FtpConfig config)
    {
        if (config.BannerFile == "") return null;
        try
        {
            return FtpFork.Common.Config.BannerText.Read(config.BannerFile);
        }
        catch (FtpFork.Common.Config.ConfigException e)
        {
            WorkerLog.Write($"{e.Message}; greeting with ftpd_banner");
            return null;
        }
    }

    /// <summary>
    /// Runs the control connection's code paths once on a throw-away socketpair (send, recv, poll,
    /// UTF-8), so the first client's 220 does not wait for them to page in.
    /// </summary>
    private static void WarmSockets()
    {
        var (a, b) = Posix.SocketPair();
        try
        {
            TcpSocket.SendAll(a, System.Text.Encoding.UTF8.GetBytes("220 warm\r\n"));
            var buf = new byte[64];
            _ = TcpSocket.Receive(b, buf);
            _ = FdIo.Poll(b, false, -1, 0);
        }
        finally
        {
            Posix.Close(a);
            Posix.Close(b);
        }
    }
}
