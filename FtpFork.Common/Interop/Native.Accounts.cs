// Declarations for logins and identity that Mono.Posix lacks: PAM, getspnam, getresuid/getresgid, dlopen pinning; only Interop files call them.
using System.Runtime.InteropServices;

namespace FtpFork.Common.Interop;

internal static unsafe partial class Native
{
    private const string LibPam = "libpam.so.0";

    [LibraryImport(LibPam, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int pam_start(string service, string user, PamConv* conv, out IntPtr pamh);

    [LibraryImport(LibPam)]
    internal static partial int pam_end(IntPtr pamh, int status);

    [LibraryImport(LibPam)]
    internal static partial int pam_authenticate(IntPtr pamh, int flags);

    [LibraryImport(LibPam)]
    internal static partial int pam_acct_mgmt(IntPtr pamh, int flags);

    [LibraryImport(LibPam)]
    internal static partial int pam_set_item(IntPtr pamh, int itemType, void* item);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial Spwd* getspnam(string name);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int getresuid(out uint r, out uint e, out uint s);

    [LibraryImport(Libc, SetLastError = true)]
    internal static partial int getresgid(out uint r, out uint e, out uint s);

    [LibraryImport(Libc)]
    internal static partial int dl_iterate_phdr(delegate* unmanaged<DlPhdrInfo*, nuint, void*, int> callback, void* data);

    [LibraryImport(Libc)]
    internal static partial IntPtr dlopen(byte* file, int mode);

    /// <summary>The first two fields of struct dl_phdr_info (load address, path); the rest is not read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct DlPhdrInfo
    {
        public IntPtr Addr;
        public byte* Name;
    }

    internal const int RTLD_LAZY = 0x1;
    internal const int RTLD_NOLOAD = 0x4;
    internal const int RTLD_NODELETE = 0x1000;

    /// <summary>struct pam_conv: the conversation function and its appdata pointer.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PamConv
    {
        public delegate* unmanaged<int, PamMessage**, PamResponse**, IntPtr, int> Conv;
        public IntPtr AppData;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct PamMessage
    {
        public int Style;
        public byte* Msg;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct PamResponse
    {
        public byte* Resp;
        public int RetCode;
    }

    /// <summary>The first two fields of struct spwd (name, encrypted password); the rest is not read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Spwd
    {
        public byte* Namp;
        public byte* Pwdp;
    }

    internal const int PAM_SUCCESS = 0;
    internal const int PAM_CONV_ERR = 19;
    internal const int PAM_TTY = 3;
    internal const int PAM_RHOST = 4;
    internal const int PAM_FAIL_DELAY = 10;
    internal const int PAM_PROMPT_ECHO_OFF = 1;
    internal const int PAM_PROMPT_ECHO_ON = 2;
    internal const int PAM_DISALLOW_NULL_AUTHTOK = 0x1;
}
