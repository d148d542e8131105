// Declarations of the libc/libcrypt calls Mono.Posix lacks; only Interop files call them.
using System.Runtime.InteropServices;

namespace FtpFork.Common.Interop;

internal static unsafe partial class Native
{
    private const string Libc = "libc.so.6"; // the exact soname: "libc" makes the runtime probe several paths first

    [LibraryImport(Libc)]
    internal static partial void tzset();

    /// <summary>struct tm of glibc on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Tm
    {
        public int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
        public long tm_gmtoff;
        public IntPtr tm_zone;
    }

    [LibraryImport(Libc)]
    internal static partial IntPtr localtime_r(in long time, out Tm result);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int posix_spawn(out int pid, byte* path, IntPtr fileActions, IntPtr attr, byte** argv, byte** envp);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int posix_spawn_file_actions_init(IntPtr fileActions);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int posix_spawn_file_actions_adddup2(IntPtr fileActions, int fd, int newFd);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int posix_spawn_file_actions_destroy(IntPtr fileActions);

    /// <summary>glibc ≥ 2.34: closes every fd ≥ <paramref name="from"/> in the child.</summary>
    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int posix_spawn_file_actions_addclosefrom_np(IntPtr fileActions, int from);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int posix_spawnattr_init(IntPtr attr);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int posix_spawnattr_setflags(IntPtr attr, short flags);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int posix_spawnattr_setsigmask(IntPtr attr, IntPtr sigset);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int posix_spawnattr_setsigdefault(IntPtr attr, IntPtr sigset);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int posix_spawnattr_destroy(IntPtr attr);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int sigemptyset(IntPtr set);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int sigfillset(IntPtr set);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int sigaddset(IntPtr set, int signo);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int sigdelset(IntPtr set, int signo);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int sigismember(IntPtr set, int signo);

    /// <summary>Returns the error number (0 on success), as the pthread functions do.</summary>
    [LibraryImport(Libc)]
    internal static partial int pthread_sigmask(int how, IntPtr set, IntPtr oldSet);

    /// <summary>With no fds: waits, with <paramref name="sigmask"/> as the thread's mask meanwhile, for a signal (EINTR) or the timeout (0); a null timeout waits for ever.</summary>
    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int ppoll(IntPtr fds, nuint nfds, Timespec* timeout, IntPtr sigmask);

    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int setrlimit(int resource, in RLimit limit);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr realpath(string path, IntPtr resolved);

    [LibraryImport(Libc)]
    internal static partial void free(IntPtr p);

    /// <summary>For the levels Mono.Posix cannot name (IPPROTO_TCP, IPPROTO_IPV6): it maps only SO_* options.</summary>
    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int setsockopt(int fd, int level, int name, void* value, uint len);

    /// <summary>For the levels Mono.Posix cannot name (IPPROTO_TCP: TCP_INFO).</summary>
    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int getsockopt(int fd, int level, int name, void* value, ref uint len);

    /// <summary>ioctl(2) with an int out-parameter (SIOCOUTQ).</summary>
    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int ioctl(int fd, nuint request, int* value);

    /// <summary>Linux splice(2): moves bytes between a pipe and another fd inside the kernel.</summary>
    [LibraryImport(Libc, SetLastError = true)]
    internal static partial nint splice(int fdIn, long* offIn, int fdOut, long* offOut, nuint len, uint flags);

    /// <summary>For commands Mono.Posix cannot name (F_SETPIPE_SZ): it maps only the POSIX ones.</summary>
    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport("libcrypt.so.1", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr crypt(string key, string salt);

    [StructLayout(LayoutKind.Sequential)]
    internal struct RLimit
    {
        public ulong Cur;
        public ulong Max;
    }

    internal const int RLIMIT_NOFILE = 7;
    internal const int PR_SET_NO_NEW_PRIVS = 38;
    internal const short POSIX_SPAWN_SETSIGDEF = 0x04;
    internal const short POSIX_SPAWN_SETSIGMASK = 0x08;
    internal const int SigSetSize = 128; // sizeof(sigset_t) in glibc
    internal const int SIG_BLOCK = 0, SIG_UNBLOCK = 1;
    internal const int IPPROTO_TCP = 6, TCP_NODELAY = 1, TCP_INFO = 11;
    internal const nuint SIOCOUTQ = 0x5411; // = TIOCOUTQ (asm-generic/sockios.h)
    internal const int IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;
}
