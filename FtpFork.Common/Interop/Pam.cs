// PAM logins: pam_authenticate then pam_acct_mgmt, the password given through an unmanaged conversation callback (AOT-safe).
using System.Runtime.InteropServices;
using System.Text;

namespace FtpFork.Common.Interop;

public enum PamVerdict { Ok, Refused, Unavailable }

public static unsafe class Pam
{
    /// <summary>
    /// Checks <paramref name="user"/>/<paramref name="password"/> with the PAM service, then the
    /// account (expired, locked). Unavailable: libpam cannot be loaded or pam_start failed.
    /// PAM's own failure delay is replaced by a no-op: the worker applies delay_failed_login.
    /// </summary>
    public static PamVerdict Authenticate(string service, string user, string password, string rhost, out string detail)
    {
        byte[] pw = Encoding.UTF8.GetBytes(password + "\0");
        byte[] host = Encoding.UTF8.GetBytes(rhost + "\0");
        byte[] tty = "ftp\0"u8.ToArray();
        IntPtr pamh = IntPtr.Zero;
        fixed (byte* pwP = pw)
        fixed (byte* hostP = host)
        fixed (byte* ttyP = tty)
        {
            var conv = new Native.PamConv { Conv = &Conversation, AppData = (IntPtr)pwP };
            int rc;
            try
            {
                rc = Native.pam_start(service, user, &conv, out pamh);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                detail = "libpam not available";
                return PamVerdict.Unavailable;
            }
            try
            {
                if (rc != Native.PAM_SUCCESS)
                {
                    detail = $"pam_start: {rc}";
                    return PamVerdict.Unavailable;
                }
                LibraryPin.PinLoaded(); // the modules pam_start loaded stay mapped for the next login
                Native.pam_set_item(pamh, Native.PAM_RHOST, hostP);
                Native.pam_set_item(pamh, Native.PAM_TTY, ttyP);
                Native.pam_set_item(pamh, Native.PAM_FAIL_DELAY, (delegate* unmanaged<int, uint, IntPtr, void>)&NoDelay);
                rc = Native.pam_authenticate(pamh, Native.PAM_DISALLOW_NULL_AUTHTOK);
                if (rc != Native.PAM_SUCCESS)
                {
                    detail = $"pam_authenticate: {rc}";
                    return PamVerdict.Refused;
                }
                rc = Native.pam_acct_mgmt(pamh, 0);
                detail = rc == Native.PAM_SUCCESS ? "pam" : $"pam_acct_mgmt: {rc}";
                return rc == Native.PAM_SUCCESS ? PamVerdict.Ok : PamVerdict.Refused;
            }
            finally
            {
                if (pamh != IntPtr.Zero) Native.pam_end(pamh, rc);
                Array.Clear(pw);
            }
        }
    }

    /// <summary>The delay hook (PAM_FAIL_DELAY): PAM calls it instead of sleeping on a failure.</summary>
    [UnmanagedCallersOnly]
    private static void NoDelay(int status, uint usecs, IntPtr appData) { }

    /// <summary>
    /// The PAM conversation: every echo-off prompt gets the password (appData, NUL-terminated),
    /// echo-on prompts get nothing useful, messages are ignored. Memory is malloc'd: PAM frees it.
    /// </summary>
    [UnmanagedCallersOnly]
    private static int Conversation(int count, Native.PamMessage** msg, Native.PamResponse** resp, IntPtr appData)
    {
        if (count <= 0 || count > 32) return Native.PAM_CONV_ERR;
        var r = (Native.PamResponse*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(Native.PamResponse));
        byte* password = (byte*)appData;
        for (int i = 0; i < count; i++)
        {
            if (msg[i]->Style != Native.PAM_PROMPT_ECHO_OFF) continue;
            nuint len = (nuint)MemoryMarshal.CreateReadOnlySpanFromNullTerminated(password).Length;
            byte* copy = (byte*)NativeMemory.Alloc(len + 1);
            Buffer.MemoryCopy(password, copy, len + 1, len + 1);
            r[i].Resp = copy;
        }
        *resp = r;
        return Native.PAM_SUCCESS;
    }
}
