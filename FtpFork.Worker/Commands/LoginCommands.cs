// USER and PASS: name checks and deny lists at USER; PASS asks the master; failed-login delay and limit.
using FtpFork.Common.Accounts;
using FtpFork.Common.Ipc;
using FtpFork.Common.Text;

namespace FtpFork.Worker;

public static class LoginCommands
{
    public static void User(Session s, string arg)
    {
        if (s.LoggedIn)
        {
            s.Control.Reply(ReplyCodes.NotLoggedIn, "Can't change to another user.");
            return;
        }
        string name = arg.Trim();
        s.PendingUser = null;
        if (!LoginNames.IsValid(name)) // before anything else sees it
        {
            s.Control.Reply(ReplyCodes.NotLoggedIn, "Permission denied.");
            return;
        }
        bool anon = LoginNames.IsAnonymous(name);
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
        if (TlsRefusal(s, anon) is string refusal)
        {
            s.Control.Reply(ReplyCodes.NotLoggedIn, refusal);
            return;
        }
        if (!anon && !s.UserLists.Allows(name))
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

    /// <summary>
    /// vsftpd's TLS rules at USER: anonymous over TLS only with allow_anon_ssl (or
    /// force_anon_logins_ssl); force_local_logins_ssl / force_anon_logins_ssl refuse a clear-text
    /// login and end the session, as vsftpd does (the password would travel in clear).
    /// </summary>
    private static string? TlsRefusal(Session s, bool anon)
    {
        var c = s.Config;
        if (!c.SslEnable) return null;
        bool secure = s.Control.IsSecure;
        if (anon && secure && !c.AllowAnonSsl && !c.ForceAnonLoginsSsl) return "Anonymous sessions may not use encryption.";
        if (secure) return null;
        if (!anon && c.ForceLocalLoginsSsl)
        {
            s.QuitRequested = true;
            return "Non-anonymous sessions must use encryption.";
        }
        if (anon && c.ForceAnonLoginsSsl)
        {
            s.QuitRequested = true;
            return "Anonymous sessions must use encryption.";
        }
        return null;
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
        var result = Accounts.RequestLogin(s, user, arg);
        if (result.Verdict == AuthVerdict.Moved)
        {
            s.QuitRequested = true; // the new worker answers 230; this one leaves without a word
            s.MovedAs = user; // (under TLS it stays as the session's relay)
            return;
        }
        if (result.Verdict == AuthVerdict.Here)
        {
            if (!Accounts.StayHere(s)) s.QuitRequested = true;
            return;
        }
        if (result.Verdict == AuthVerdict.Oops)
        {
            s.Control.Reply(ReplyCodes.SyntaxError, "OOPS: " + result.Reason);
            s.QuitRequested = true;
            return;
        }
        s.FailedLogins++;
        if (s.Config.DelayFailedLogin > 0) Thread.Sleep(s.Config.DelayFailedLogin * 1000);
        s.Control.Reply(ReplyCodes.NotLoggedIn, "Login incorrect.");
        s.Log($"{s.ClientIp}: failed login as {LogText.Escape(user)} ({s.FailedLogins})");
        if (s.Config.MaxLoginFails > 0 && s.FailedLogins >= s.Config.MaxLoginFails) s.QuitRequested = true;
    }
}
