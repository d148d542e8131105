// Declarations for the stats page the master shares with each worker: memfd_create, seals, mmap.
using System.Runtime.InteropServices;

namespace FtpFork.Common.Interop;

internal static unsafe partial class Native
{
    internal const uint MFD_CLOEXEC = 0x1, MFD_ALLOW_SEALING = 0x2;
    internal const int F_ADD_SEALS = 1033, F_SEAL_SEAL = 0x1, F_SEAL_SHRINK = 0x2, F_SEAL_GROW = 0x4;
    internal const int PROT_READ = 0x1, PROT_WRITE = 0x2, MAP_SHARED = 0x01;

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int memfd_create(string name, uint flags);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int fcntl_int(int fd, int cmd, int arg);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial IntPtr mmap(IntPtr addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int munmap(IntPtr addr, nuint length);
}
