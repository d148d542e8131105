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
            // The paths are gathered first and dlopen'd after dl_iterate_phdr returns: the loader's
            // lock is held during the walk. They stay valid: PAM's handle keeps its modules loaded.
            var names = new Names { Capacity = MaxNames };
            IntPtr* slots = stackalloc IntPtr[MaxNames];
            names.Slots = slots;
            Native.dl_iterate_phdr(&Gather, &names);
            for (int i = 0; i < names.Count; i++)
                Native.dlopen((byte*)slots[i], Native.RTLD_LAZY | Native.RTLD_NOLOAD | Native.RTLD_NODELETE);
            _pinned = count;
        }
    }

    private const int MaxNames = 512;

    private struct Names
    {
        public IntPtr* Slots;
        public int Count, Capacity;
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
        if (info->Name != null && info->Name[0] == (byte)'/' && names->Count < names->Capacity)
            names->Slots[names->Count++] = (IntPtr)info->Name;
        return 0;
    }
}
