// The master's login decision: who may log in, checked how (PAM, shadow, virtual file), and as whom, rooted where.
using FtpFork.Common.Accounts;
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

/// <summary>A decided login: Session set (with its per-user config text), or refused, or an OOPS to show. InPlace: the pre-login worker already is the session's identity and keeps the session.</summary>
public sealed record AuthOutcome(int WorkerPid, SessionHandoff? Session, string ConfigText, string? Oops, string Log, bool InPlace = false);

public sealed class LoginPolicy
{
    private readonly FtpConfig _c;
    private readonly bool _root;
    private readonly Account _self;
    /// <summary>The account anonymous sessions run as: ftp_username, else nobody (as root); the master's own otherwise.</summary>
    public Account? AnonAccount { get; }

    public LoginPolicy(FtpConfig c)
    {
        _c = c;
        _root = PrivilegeDrop.RunningAsRoot;
        _self = UserDb.Find(Posix.GetUid()) ?? new Account("?", Posix.GetUid(), 0, "/", "");
        AnonAccount = !_root ? _self : UserDb.Find(c.FtpUsername) ?? UserDb.Find("nobody");
    }

    /// <summary>What pre-login workers run as (as root); set once by the master before the first worker starts.</summary>
    public PreloginIdentity Prelogin { get; set; } = PreloginIdentity.Unchanged;

    /// <summary>
    /// anon_single_process: as root with anonymous logins on, pre-login workers run as the anonymous
    /// account chrooted in its root, so an anonymous login continues in the same process. That gives
    /// a client before login nothing it could not have by logging in anonymously, so it is only done
    /// when that root is not writable by the account (else allow_writeable_chroot would be bypassed).
    /// Returns null (and why) when pre-login workers must run as nopriv_user instead.
    /// </summary>
    public PreloginIdentity? AnonymousPrelogin(out string why)
    {
        why = "";
        if (!_root || !_c.AnonymousEnable || !_c.AnonSingleProcess) return null;
        var a = AnonAccount;
        if (a == null || a.Uid == 0 || a.Gid == 0) { why = "no anonymous account"; return null; }
        string dir = Path.GetFullPath(_c.AnonRoot != "" ? _c.AnonRoot : a.Home);
        if (!Directory.Exists(dir)) { why = $"anonymous root {dir} does not exist"; return null; }
        if (!_c.AllowWriteableChroot && PathCalls.WritableBy(dir, a.Uid, a.Gid))
        {
            why = $"anonymous root {dir} is writable by {a.Name}";
            return null;
        }
        return new PreloginIdentity(true, a.Uid, a.Gid, dir, true);
    }

    public AuthOutcome Decide(int pid, AuthRequest r, string ip, int port)
    {
        AuthOutcome Fail(string why) => new(pid, null, "", null, $"login as {r.User} from {ip} refused: {why}");
        AuthOutcome Oops(string text) => new(pid, null, "", text, $"login as {r.User} from {ip}: OOPS: {text}");

        bool anon = LoginNames.IsAnonymous(r.User);
        string kind = anon ? "anonymous" : _c.GuestEnable ? "virtual" : "local";
        if (anon && !_c.AnonymousEnable) return Fail("anonymous_enable=NO");
        if (!anon && !UserLists.Load(_c).Allows(r.User)) return Fail("denied by the user list");

        // 1. the password, checked against the base config
        Account? account;
        string how;
        if (anon)
        {
            if (_c.DenyEmailEnable && UserLists.ReadLines(_c.BannedEmailFile).Contains(r.Password))
                return Fail($"anonymous password listed in banned_email_file {_c.BannedEmailFile}");
            if (_c.SecureEmailListEnable && !UserLists.ReadLines(_c.EmailPasswordFile).Contains(r.Password))
                return Fail($"anonymous password not in email_password_file {_c.EmailPasswordFile}");
            account = AnonAccount;
            how = "anonymous";
            if (account == null) return Oops($"no account for anonymous ({_c.FtpUsername} and nobody are missing)");
        }
        else if (_c.GuestEnable)
        {
            if (!VirtualPasswordOk(r.User, r.Password)) return Fail($"not in {_c.VirtualUsersFile} or wrong password");
            account = _root ? UserDb.Find(_c.GuestUsername) : _self;
            how = "virtual";
            if (account == null) return Oops($"guest_username {_c.GuestUsername} does not exist");
        }
        else
        {
            if (!_c.LocalEnable) return Fail("local_enable=NO");
            account = UserDb.Find(r.User);
            how = "";
            if (account == null) return Fail("no such account");
        }
        // No session runs as uid 0 (a local account's password is not even checked); without root,
        // anonymous and virtual sessions run as the master's own account.
        if (account.Uid == 0 && (_root || kind == "local")) return Fail("uid 0 never logs in");
        if (kind == "local")
        {
            if (!_root && account.Uid != _self.Uid) return Fail($"the master is not root and runs as {_self.Name}");
            if (!LocalPasswordOk(account, r.Password, ip, out how)) return Fail(how);
        }

        // 2. the per-user config, then where the session lives
        FtpConfig c = _c;
        if (_c.UserConfigDir != "")
        {
            string file = Path.Combine(_c.UserConfigDir, r.User);
            try
            {
                if (File.Exists(file)) c = ConfigParser.Apply(c, File.ReadAllText(file), file);
            }
            catch (Exception e) when (e is ConfigException or IOException or UnauthorizedAccessException)
            {
                return Oops($"user_config_dir: {e.Message}");
            }
        }
        string dir, cwd = "/";
        bool chroot;
        if (anon)
        {
            dir = c.AnonRoot != "" ? c.AnonRoot : account.Home;
            chroot = true;
        }
        else if (kind == "virtual")
        {
            dir = c.LocalRoot != "" ? Sub(c, c.LocalRoot, r.User) : account.Home;
            chroot = true;
        }
        else
        {
            dir = c.LocalRoot != "" ? Sub(c, c.LocalRoot, r.User) : account.Home;
            chroot = UserLists.ChrootLocal(c, r.User);
            int dot = dir.IndexOf("/./", StringComparison.Ordinal);
            if (c.PasswdChrootEnable && c.LocalRoot == "" && dot > 0)
            {
                // passwd_chroot_enable: /home/./alice chroots at /home and starts in /alice
                cwd = dir[(dot + 2)..];
                dir = dir[..dot];
                chroot = true;
            }
        }
        if (!Directory.Exists(dir)) return Oops($"cannot change directory:{dir}");
        bool anonPerms = anon || (kind == "virtual" && !c.VirtualUseLocalPrivs);
        var h = new SessionHandoff(
            User: anon ? "anonymous" : r.User,
            Anonymous: anonPerms,
            ChangeIdentity: _root,
            Groups: !_root || anon ? Array.Empty<uint>() : UserDb.GroupsOf(account.Name, account.Gid),
            Uid: account.Uid, Gid: account.Gid,
            Chroot: _root && chroot ? Path.GetFullPath(dir) : "",
            ViewRoot: _root && chroot ? "/" : chroot ? Path.GetFullPath(dir) : "/",
            Cwd: chroot ? cwd : Path.GetFullPath(dir),
            Umask: anonPerms ? c.AnonUmask : c.LocalUmask,
            ClientIp: ip, ClientPort: port, Type: r.Type, Utf8: r.Utf8, Pending: r.Pending,
            // TLS: the session state goes on opaque; the key only where data connections may need full handshakes.
            Pbsz: r.Pbsz, Prot: r.Prot, Tls: r.Tls, TlsCert: r.Tls != "" && !c.RequireSslReuse);
        // The pre-login worker is already this session's identity, root and config: it keeps the session.
        bool inPlace = anon && Prelogin.Anonymous && ReferenceEquals(c, _c) && h.Uid == Prelogin.Uid &&
            h.Gid == Prelogin.Gid && h.Chroot == Prelogin.Root && h.Cwd == "/";
        return new AuthOutcome(pid, h, inPlace ? "" : ConfigTable.ToChangedText(c), null,
            $"login as {h.User} from {ip} ({kind}, {how}) as uid {(_root ? account.Uid : _self.Uid)}, root {(h.Chroot != "" ? h.Chroot : h.ViewRoot)}" +
            (inPlace ? ", in the pre-login process" : ""), inPlace);
    }

    /// <summary>PAM first; /etc/shadow + crypt (with check_shell) only where PAM is unavailable.</summary>
    private bool LocalPasswordOk(Account a, string password, string ip, out string how)
    {
        var v = Pam.Authenticate(_c.PamServiceName, a.Name, password, ip, out string detail);
        if (v != PamVerdict.Unavailable)
        {
            how = v == PamVerdict.Ok ? $"pam {_c.PamServiceName}" : detail;
            return v == PamVerdict.Ok;
        }
        if (_c.CheckShell && !UserDb.ShellListed(a.Shell))
        {
            how = $"shell {a.Shell} not in /etc/shells ({detail})";
            return false;
        }
        string? hash = UserDb.ShadowHash(a.Name);
        how = hash == null ? $"no shadow entry ({detail})" : $"shadow ({detail})";
        return hash != null && UserDb.CryptMatches(password, hash);
    }

    private bool VirtualPasswordOk(string user, string password)
    {
        foreach (var line in UserLists.ReadLines(_c.VirtualUsersFile))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon] == user) return UserDb.CryptMatches(password, line[(colon + 1)..].Trim());
        }
        return false;
    }

    private static string Sub(FtpConfig c, string path, string user) =>
        c.UserSubToken == "" ? path : path.Replace(c.UserSubToken, user, StringComparison.Ordinal);
}
