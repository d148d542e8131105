// The lists of user names the config points at (userlist_file, chroot_list_file), and the built-in deny rule for root.
namespace FtpFork.Common.Config;

public sealed class UserLists
{
    /// <summary>Names no configuration can let in (vsftpd ships /etc/ftpusers with root; FtpFork builds it in).</summary>
    public static readonly IReadOnlySet<string> AlwaysDenied = new HashSet<string>(StringComparer.Ordinal) { "root" };

    private readonly FtpConfig _c;
    private readonly HashSet<string> _userlist;

    private UserLists(FtpConfig c, HashSet<string> userlist)
    {
        _c = c;
        _userlist = userlist;
    }

    /// <summary>Reads userlist_file now (a pre-login worker does this before its chroot); a missing file is empty.</summary>
    public static UserLists Load(FtpConfig c) => new(c, c.UserlistEnable ? ReadNames(c.UserlistFile) : new HashSet<string>());

    /// <summary>userlist_enable / userlist_deny, as vsftpd, plus the built-in deny of root. Anonymous names are not listed users.</summary>
    public bool Allows(string name)
    {
        if (AlwaysDenied.Contains(name)) return false;
        if (!_c.UserlistEnable) return true;
        bool listed = _userlist.Contains(name);
        return _c.UserlistDeny ? !listed : listed;
    }

    /// <summary>chroot_local_user and chroot_list_enable/chroot_list_file, as vsftpd: the list inverts the default.</summary>
    public static bool ChrootLocal(FtpConfig c, string name)
    {
        if (!c.ChrootListEnable) return c.ChrootLocalUser;
        bool listed = ReadNames(c.ChrootListFile).Contains(name);
        return c.ChrootLocalUser ? !listed : listed;
    }

    public static HashSet<string> ReadNames(string path) => new(ReadLines(path), StringComparer.Ordinal);

    /// <summary>The trimmed, non-empty, non-comment lines of a file; none when it cannot be read.</summary>
    public static List<string> ReadLines(string path)
    {
        try
        {
            var lines = new List<string>();
            foreach (var raw in File.ReadLines(path))
            {
                string l = raw.Trim();
                if (l.Length > 0 && l[0] != '#') lines.Add(l);
            }
            return lines;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new List<string>();
        }
    }
}
