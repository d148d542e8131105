// One file-system change answered the vsftpd way: 250 when it worked, 550 with the command's own text when not.
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public static class FileAction
{
    /// <summary>
    /// Runs <paramref name="change"/> when <paramref name="allowed"/>; replies 250 "ok" on success,
    /// 550 "failed" when refused or when the system call fails (EACCES, ENOTEMPTY, ...). True when it worked.
    /// </summary>
    public static bool Run(Session s, bool allowed, Action change, string ok, string failed)
    {
        if (allowed)
        {
            try
            {
                change();
                s.Control.Reply(ReplyCodes.FileActionOk, ok);
                return true;
            }
            catch (PosixException) { }
        }
        s.Control.Reply(ReplyCodes.FileNotFound, failed);
        return false;
    }
}
