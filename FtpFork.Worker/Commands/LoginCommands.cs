// USER and PASS: name checks, anonymous logins, failed-login delay and limit.
namespace FtpFork.Worker;

public static class LoginCommands
{
    public const int MaxUserName = 32;

    public static bool IsAnonymousName(string name) =>
        name.Equals("anonymous", StringComparison.OrdinalIgnoreCase) || name.Equals("ftp", StringComparison.OrdinalIgnoreCase);

    /// <summary>A name is at most 32 characters of letters, digits and . _ - @ (checked before anything else sees it).</summary>
    public static bool ValidName(string name) =>
        name.Length is > 0 and <= MaxUserName &&
        name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' or '@') && name[0] != '-';

    public static void User(Session s, string arg)
    {
        if (s.LoggedIn)
        {
            s.Control.Reply(ReplyCodes.NotLoggedIn, "Can't change to another user.");
            return;
        }
        string name = arg.Trim();
        s.PendingUser = null;
        if (!ValidName(name))
        {
            s.Control.Reply(ReplyCodes.NotLoggedIn, "Permission denied.");
            return;
        }
        bool anon = IsAnonymousName(name);
        if (anon && !s.Config.AnonymousEnable)
        {
            s.Control.Reply(ReplyCodes.NotLoggedIn, "This FTP server does not allow anonymous logins.");
            return;
        }
        if (!anon && !s.Config.LocalEnable && !s.Config.GuestEnable)
        {
            s.Control.Reply(ReplyCodes.NotLoggedIn, "This FTP server is anonymous only.");
            return;
        }
        if (!anon && !Accounts.UserListAllows(s.Config, name))
        {
            s.Control.Reply(ReplyCodes.NotLoggedIn, "Permission denied.");
            return;
        }
        s.PendingUser = name;
        s.IsAnonymous = anon;
        if (anon && s.Config.NoAnonPassword)
        {
            Pass(s, "");
            return;
        }
        s.Control.Reply(ReplyCodes.NeedPassword, "Please specify the password.");
    }

    public static void Pass(Session s, string arg)
    {
        if (s.LoggedIn)
        {
            s.Control.Reply(ReplyCodes.LoginOk, "Already logged in.");
            return;
        }
        string user = s.PendingUser!;
        s.PendingUser = null;
        var result = s.IsAnonymous ? Accounts.LoginAnonymous(s) : Accounts.LoginUser(s, user, arg);
        if (result.Ok)
        {
            if (s.Config.DelaySuccessfulLogin > 0) Thread.Sleep(s.Config.DelaySuccessfulLogin * 1000);
            s.Control.Reply(ReplyCodes.LoginOk, "Login successful.");
            s.Log($"{s.ClientIp}: login as {s.User}");
            return;
        }
        if (result.Fatal != null)
        {
            s.Control.Reply(ReplyCodes.SyntaxError, "OOPS: " + result.Fatal);
            s.QuitRequested = true;
            return;
        }
        s.FailedLogins++;
        if (s.Config.DelayFailedLogin > 0) Thread.Sleep(s.Config.DelayFailedLogin * 1000);
        s.Control.Reply(ReplyCodes.NotLoggedIn, "Login incorrect.");
        s.Log($"{s.ClientIp}: failed login as {user} ({s.FailedLogins})");
        if (s.Config.MaxLoginFails > 0 && s.FailedLogins >= s.Config.MaxLoginFails) s.QuitRequested = true;
    }
}
