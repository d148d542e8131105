// Loads now what would otherwise load lazily from disk, since a worker's chroot hides the disk: assemblies, time zone, console.
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace FtpFork.Worker;

public static class Preload
{
    /// <summary>Call before any chroot. Under Native AOT there are no assemblies to load; under JIT every referenced one is loaded.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only runs with the JIT, where nothing is trimmed.")]
    public static void BeforeChroot()
    {
        _ = TimeZoneInfo.Local; // /etc/localtime: log lines keep local time inside the chroot
        _ = DateTime.Now;
        Console.Error.Flush();
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
}
