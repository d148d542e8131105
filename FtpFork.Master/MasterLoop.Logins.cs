// The master's half of logins: start-up checks of the accounts, AUTH requests from pre-login workers, moving a session.
using FtpFork.Common.Accounts;
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

public sealed class AccountsException : Exception
{
    public AccountsException(string message) : base(message) { }
}

public sealed partial class MasterLoop
{
    /// <summary>
    /// Checks nopriv_user, secure_chroot_dir and the anonymous account of <paramref name="c"/>; says
    /// in one line who runs as whom. Throws AccountsException; changes nothing (a reload that fails
    /// here keeps the running configuration).
    /// </summary>
    private LoginPolicy CheckAccounts(FtpConfig c)
    {
        var policy = new LoginPolicy(c);
        if (PrivilegeDrop.RunningAsRoot)
        {
            var nopriv = UserDb.Find(c.NoprivUser) ?? throw new AccountsException($"nopriv_user {c.NoprivUser} does not exist");
            if (nopriv.Uid == 0) throw new AccountsException($"nopriv_user {c.NoprivUser} has uid 0");
            try
            {
                if (PrivilegeDrop.EnsureEmptyRoot(c.SecureChrootDir))
                    _log($"created secure_chroot_dir {c.SecureChrootDir} (0755 root:root)");
            }
            catch (Exception e) when (e is PosixException or InvalidOperationException)
            {
                throw new AccountsException($"secure_chroot_dir: {e.Message}");
            }
            if (c.AnonymousEnable && policy.AnonAccount?.Name != c.FtpUsername)
                _log($"ftp_username {c.FtpUsername} does not exist: anonymous sessions run as {policy.AnonAccount?.Name ?? "(none)"}");
            var anonPre = policy.AnonymousPrelogin(out string whyNot);
            policy.Prelogin = anonPre ?? new PreloginIdentity(true, nopriv.Uid, nopriv.Gid, Path.GetFullPath(c.SecureChrootDir), false);
            if (anonPre != null)
                _log($"running as root: pre-login workers run as {policy.AnonAccount!.Name} (uid {anonPre.Uid}) chrooted in {anonPre.Root}, where anonymous sessions stay (anon_single_process); other sessions run as their users");
            else
                _log($"running as root: pre-login workers run as {nopriv.Name} (uid {nopriv.Uid}) chrooted in {c.SecureChrootDir}; sessions run as their users" +
                    (whyNot != "" ? $" (anon_single_process not used: {whyNot})" : ""));
        }
        else
        {
            string me = UserDb.CurrentUserName();
            _log($"not running as root (as {me}): no identity changes; only {me}, anonymous (as {me}) and virtual users can log in");
        }
        return policy;
    }

    /// <summary>
    /// Puts a checked policy to work: logins are decided by it, new pool workers start with its
    /// pre-login identity, the config and the TLS material (idle ones of the old setup are
    /// replaced). Returns how many idle pool workers were replaced.
    /// </summary>
    private int UseAccounts(LoginPolicy policy, FtpConfig c, TlsMaterial? tls)
    {
        if (_auth == null) _auth = new Authenticator(policy, _log, Math.Max(2, Environment.ProcessorCount));
        else _auth.Policy = policy;
        // Spares (processes ready to take a logged-in session) only where a login can need one: an
        // anonymous session that stays in its pre-login process never does. A login that finds no
        // spare still gets one, started then.
        _pool.SparesNeeded = c.LocalEnable || c.GuestEnable ||
            (c.AnonymousEnable && (!policy.Prelogin.Anonymous || c.UserConfigDir != ""));
        return _pool.Reconfigure(ConfigTable.ToChangedText(c), policy.Prelogin, tls);
    }

    /// <summary>An AUTH from a pre-login worker: strict checks, then off to the authenticator; anything wrong ends that worker.</summary>
    private void OnAuthRequest(WorkerProc w, Message m)
    {
        string? why = null;
        AuthRequest? request = null;
        if (w.IsSession || w.LoggedIn || w.ClientIp == null) why = "AUTH from a worker without a pre-login client";
        else if (w.AuthFd >= 0) why = "second AUTH while one is being checked";
        else if (m.Fd < 0 || !TcpSocket.IsSocket(m.Fd)) why = "AUTH without a control socket";
        else request = AuthRequest.Parse(m.Body, out why);
        if (request == null)
        {
            Posix.Close(m.Fd);
            _log($"worker {w.Pid}: malformed request ({why}); killed");
            SignalWatch.Kill(w.Pid);
            _pool.CloseChannel(w);
            return;
        }
        w.AuthFd = m.Fd;
        bool anon = LoginNames.IsAnonymous(request.User);
        w.LoginAttempt = (request.User, anon, anon ? request.Password : "");
        _auth.Submit(w.Pid, request, w.ClientIp!, w.ClientPort);
    }

    /// <summary>
    /// A decided login. In place (anonymous, anon_single_process): the pre-login worker is told HERE
    /// and keeps the session. Success otherwise: a new worker with the user's identity gets the control fd and the
    /// state; the client's max_clients/max_per_ip slot moves to it; the pre-login worker is told OK
    /// and exits. Otherwise the pre-login worker is told FAIL or OOPS and carries on.
    /// </summary>
    private void OnAuthOutcome(AuthOutcome o)
    {
        if (o.Log != "") _log($"worker {o.WorkerPid}: {o.Log}");
        var w = _pool.Find(o.WorkerPid);
        if (w == null || w.Channel < 0 || w.AuthFd < 0)
        {
            if (w != null) { Posix.Close(w.AuthFd); w.AuthFd = -1; }
            return; // the pre-login worker is gone: so is its client
        }
        int fd = w.AuthFd;
        w.AuthFd = -1;
        WorkerProc? moved = null;
        var verdict = o.Session == null ? (o.Oops == null ? AuthResult.Refused : AuthResult.Oops(o.Oops)) : o.InPlace ? AuthResult.Here : AuthResult.Moved;
        if (o.Session != null && _stopping) verdict = AuthResult.Oops("Server is shutting down.");
        else if (o.InPlace) w.LoggedIn = true; // the session stays: no second AUTH is ever accepted from it
        else if (o.Session != null && o.Session.Tls != "" && w.ClientLocal == null)
        {
            verdict = AuthResult.Oops("cannot start the session."); // the client was gone before its address was read
        }
        else if (o.Session != null)
        {
            try
            {
                var h = o.Session with { ClientCount = w.ClientCount };
                if (h.Tls != "" && w.ClientLocal is { } local)
                {
                    // The control fd is the relay's socketpair: the session worker learns the TCP ends from the master.
                    var a = local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address;
                    h = h with { LocalIp = a.ToString(), LocalPort = local.Port };
                }
                var session = _pool.SpawnSession(h, o.ConfigText, fd);
                w.IsRelay = h.Tls != "";
                moved = session;
                session.ClientIp = w.ClientIp;
                session.ClientPort = w.ClientPort;
                session.ClientCount = w.ClientCount;
                session.ConnectedAt = w.ConnectedAt;
                w.ClientIp = null; // the slot follows the client: released when the session worker is reaped
                _log($"worker {w.Pid}: session moved to worker {session.Pid}{(w.IsRelay ? $" (worker {w.Pid} stays as its TLS relay)" : "")}");
            }
            catch (PosixException e)
            {
                _log($"worker {w.Pid}: cannot start the session worker: {e.Message}");
                verdict = AuthResult.Oops("cannot start the session.");
            }
        }
        Posix.Close(fd);
        LogLogin(w, o.InPlace ? w : moved, verdict == AuthResult.Moved || verdict == AuthResult.Here);
        try
        {
            Channel.Send(w.Channel, MessageType.AuthResult, verdict.Format());
        }
        catch (PosixException)
        {
            _pool.CloseChannel(w);
        }
    }

    /// <summary>
    /// OK or FAIL LOGIN in the activity logs, under the pre-login worker's pid (the process that
    /// served the connection); a logged-in session's record gets the user it is logged under.
    /// </summary>
    private void LogLogin(WorkerProc prelogin, WorkerProc? session, bool ok)
    {
        if (prelogin.LoginAttempt is not var (name, anon, password)) return;
        prelogin.LoginAttempt = null;
        _activity.Login(prelogin.Pid, prelogin.ClientIp ?? session?.ClientIp ?? "?", name, anon, password, ok);
        if (!ok || session == null) return;
        session.User = _activity.LoggedName(name, anon);
        session.Anonymous = anon;
        session.Guest = !anon && _config.GuestEnable;
        session.AnonPassword = password;
        session.LoginAt = DateTime.UtcNow;
    }
}
