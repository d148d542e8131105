// Who may log in and where they land: anonymous roots, the user list, and local/virtual accounts.
using FtpFork.Common.Config;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public readonly record struct LoginResult(bool Ok, string? Fatal = null)
{
    public static readonly LoginResult Success = new(true);
    public static readonly LoginResult Refused = new(false);
}

public static class Accounts
{
    /// <summary>userlist_enable / userlist_deny / userlist_file, as vsftpd: decided at USER.</summary>
    public static bool UserListAllows(FtpConfig c, string name)
    {
        if (!c.UserlistEnable) return true;
        bool listed = false;
        try
        {
            listed = File.ReadLines(c.UserlistFile).Any(l => l.Trim() == name);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return c.UserlistDeny ? !listed : listed;
    }

    public static LoginResult LoginAnonymous(Session s)
    {
        string root = s.Config.AnonRoot;
        if (root == "")
            root = Posix.GetPwNam(s.Config.FtpUsername)?.pw_dir ?? "";
        if (root == "" || !Directory.Exists(root))
            return new LoginResult(false, $"cannot change directory:{(root == "" ? "(no anon_root)" : root)}");
        s.Files = new FileSystemView(root);
        s.User = "anonymous";
        Posix.Umask(s.Config.AnonUmask);
        return LoginResult.Success;
    }

    /// <summary>Local and virtual users: not in this build yet (anonymous only).</summary>
    public static LoginResult LoginUser(Session s, string user, string password) => LoginResult.Refused;
}
