// What the logged-in user may do, from write_enable and the anon_* switches, as vsftpd decides it.
namespace FtpFork.Worker;

public static class Permissions
{
    public static bool Allows(Session s, Perm perm)
    {
        var c = s.Config;
        return perm switch
        {
            Perm.None => true,
            Perm.Read => c.DownloadEnable,
            Perm.List => c.DirlistEnable,
            Perm.Mkdir => c.WriteEnable && (!s.IsAnonymous || c.AnonMkdirWriteEnable),
            Perm.Upload => c.WriteEnable && (!s.IsAnonymous || c.AnonUploadEnable),
            Perm.Other => c.WriteEnable && (!s.IsAnonymous || c.AnonOtherWriteEnable),
            _ => false,
        };
    }
}
