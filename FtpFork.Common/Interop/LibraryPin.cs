// Keeps the shared objects PAM loads (its modules, libcrypt, ...) mapped for the master's lifetime.
using System.Runtime.InteropServices;

namespace FtpFork.Common.Interop;

/// <summary>
/// Each pam_start dlopens every module of the service (pam_unix, pam_systemd, libcrypt, libselinux,
/// ...) and pam_end dlcloses them, so a long-lived master would map, relocate and unmap about ten
/// objects per login (~100 system calls). After a pam_start, <see cref="PinLoaded"/> marks every
/// object then loaded RTLD_NODELETE: the next pam_start finds them loaded and only counts a
/// reference. A module PAM's configuration adds later is pinned after its first load; a module
/// replaced on disk is seen after a master restart, as for any library a daemon has mapped.
/// </summary>
public static unsafe class LibraryPin
{
    private static readonly object Gate = new();
    private static int _pinned; // how many loaded objects the last pass saw

    /// <summary>Pins every loaded object when more are loaded than at the last pass. Thread-safe.</summary>
    public static void PinLoaded()
    {
        int count = 0;
        Native.dl_iterate_phdr(&Count, &count);
        lock (Gate)
        {
            if (count <= _pinned) return;
            // The paths are copied during the walk and dlopen'd after it returns: the loader's lock
            // is held during the walk, and an object another thread's pam_end unloads meanwhile
            // takes its name with it (dlopen of a copy that is no longer loaded just fails).
            var names = new Names { Capacity = BufferBytes, Buffer = (byte*)NativeMemory.Alloc(BufferBytes) };
            try
            {
                Native.dl_iterate_phdr(&Gather, &names);
                for (int at = 0; at < names.Used; at += MemoryMarshal.CreateReadOnlySpanFromNullTerminated(names.Buffer + at).Length + 1)
                    Native.dlopen(names.Buffer + at, Native.RTLD_LAZY | Native.RTLD_NOLOAD | Native.RTLD_NODELETE);
            }
            finally
            {
                NativeMemory.Free(names.Buffer);
            }
            _pinned = count;
        }
    }

    private const int BufferBytes = 64 * 1024; // NUL-terminated paths one after another

    private struct Names
    {
        public byte* Buffer;
        public int Used, Capacity;
    }

    [UnmanagedCallersOnly]
    private static int Count(Native.DlPhdrInfo* info, nuint size, void* data)
    {
        (*(int*)data)++;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int Gather(Native.DlPhdrInfo* info, nuint size, void* data)
    {
        // The main program and the vDSO have an empty or a non-path name: skipped.
        var names = (Names*)data;
        if (info->Name == null || info->Name[0] != (byte)'/') return 0;
        int n = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(info->Name).Length + 1;
        if (names->Used + n > names->Capacity) return 0;
        Buffer.MemoryCopy(info->Name, names->Buffer + names->Used, n, n);
        names->Used += n;
        return 0;
    }
}
