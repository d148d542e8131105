// Who may read what: anon_world_readable_only (for RETR and listings' perm fact) and the MLSx perm fact.
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public static class DownloadRules
{
    /// <summary>anon_world_readable_only: an anonymous session reads only files readable by "other" (vsftpd: 550 otherwise).</summary>
    public static bool MayDownload(Session s, FileStat st) =>
        !(s.IsAnonymous && s.Config.AnonWorldReadableOnly && (st.Mode & 4) == 0);

    /// <summary>The RFC 3659 perm fact of an entry for this session: its config rights and the file's access(2).</summary>
    public static string PermFact(Session s, FileStat st, string real, string? parentReal)
    {
        bool parentWritable = parentReal != null && PathCalls.Access(parentReal, 2);
        bool other = Permissions.Allows(s, Perm.Other);
        var f = new System.Text.StringBuilder(8);
        if (st.IsDirectory)
        {
            bool w = PathCalls.Access(real, 3);
            if (Permissions.Allows(s, Perm.Upload) && w) f.Append('c');
            if (other && parentWritable) f.Append('d');
            if (PathCalls.Access(real, 1)) f.Append('e');
            if (other && parentWritable) f.Append('f');
            if (Permissions.Allows(s, Perm.List) && PathCalls.Access(real, 5)) f.Append('l');
            if (Permissions.Allows(s, Perm.Mkdir) && w) f.Append('m');
            if (other && w) f.Append('p');
        }
        else
        {
            bool w = PathCalls.Access(real, 2);
            if (Permissions.Allows(s, Perm.Upload) && w) f.Append('a');
            if (other && parentWritable) f.Append("df");
            if (Permissions.Allows(s, Perm.Read) && MayDownload(s, st) && PathCalls.Access(real, 4)) f.Append('r');
            if (Permissions.Allows(s, Perm.Upload) && w) f.Append('w');
        }
        return f.ToString();
    }
}
