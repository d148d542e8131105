// Declarations for the worker image and its children (fork, _exit, dup2, signalfd, waitid, raw poll/recvmsg/sendmsg, pthread_create, getrandom); only Interop files call them.
using System.Runtime.InteropServices;

namespace FtpFork.Common.Interop;

internal static unsafe partial class Native
{
    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int fork();

    [LibraryImport(Libc)]
    internal static partial void _exit(int status);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int dup2(int oldFd, int newFd);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int signalfd(int fd, IntPtr mask, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial nint read(int fd, void* buf, nuint count);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int waitpid(int pid, int* status, int options);

    /// <summary>waitid(2); <paramref name="info"/> is a siginfo_t (128 bytes).</summary>
    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int waitid(int idType, int id, void* info, int options);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int poll(PollFd* fds, nuint nfds, int timeoutMs);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial nint recvmsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial nint sendmsg(int fd, MsgHdr* msg, int flags);

    /// <summary>Returns the error number (0 on success), as the pthread functions do.</summary>
    [LibraryImport(Libc)]
    internal static partial int pthread_create(out nuint thread, IntPtr attr, delegate* unmanaged<IntPtr, IntPtr> start, IntPtr arg);

    [LibraryImport(Libc)]
    internal static partial int pthread_detach(nuint thread);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial nint getrandom(void* buf, nuint len, uint flags);

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>struct msghdr of glibc on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MsgHdr
    {
        public void* Name;
        public uint NameLen;
        public IoVec* Iov;
        public nuint IovLen;
        public void* Control;
        public nuint ControlLen;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct IoVec
    {
        public void* Base;
        public nuint Len;
    }

    /// <summary>struct cmsghdr (64-bit): len, level, type; the data follows, 8-byte aligned.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CmsgHdr
    {
        public nuint Len;
        public int Level;
        public int Type;
    }

    internal const short POLLIN = 0x1, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    internal const int SOL_SOCKET = 1, SCM_RIGHTS = 1;
    internal const int MSG_NOSIGNAL = 0x4000, MSG_TRUNC = 0x20, MSG_CTRUNC = 0x8, MSG_CMSG_CLOEXEC = 0x40000000;
    internal const int WNOHANG = 1, WEXITED = 4, WNOWAIT = 0x01000000, P_PID = 1;
    internal const int SFD_NONBLOCK = 0x800, SFD_CLOEXEC = 0x80000;
    internal const int SIG_SETMASK = 2;
    internal const int SignalFdInfoSize = 128; // sizeof(struct signalfd_siginfo); ssi_signo is its first uint
    internal const int SigInfoSize = 128; // sizeof(siginfo_t)
    internal const int PR_SET_CHILD_SUBREAPER = 36;
    internal const int PR_SET_NAME = 15;
}
