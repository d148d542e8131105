// The one table of ftpd.conf keys: name, type, default, and the record field it sets.
namespace FtpFork.Common.Config;

public enum KeyKind { Bool, Int, Octal, String }

public sealed record ConfigKey(string Name, KeyKind Kind, object Default, Func<FtpConfig, object, FtpConfig> Set, Func<FtpConfig, object> Get);

public static class ConfigTable
{
    private static ConfigKey B(string n, bool d, Func<FtpConfig, bool, FtpConfig> set, Func<FtpConfig, bool> get) =>
        new(n, KeyKind.Bool, d, (c, v) => set(c, (bool)v), c => get(c));
    private static ConfigKey I(string n, int d, Func<FtpConfig, int, FtpConfig> set, Func<FtpConfig, int> get) =>
        new(n, KeyKind.Int, d, (c, v) => set(c, (int)v), c => get(c));
    private static ConfigKey O(string n, int d, Func<FtpConfig, int, FtpConfig> set, Func<FtpConfig, int> get) =>
        new(n, KeyKind.Octal, d, (c, v) => set(c, (int)v), c => get(c));
    private static ConfigKey S(string n, string d, Func<FtpConfig, string, FtpConfig> set, Func<FtpConfig, string> get) =>
        new(n, KeyKind.String, d, (c, v) => set(c, (string)v), c => get(c));

    /// <summary>Keys we implement. Defaults are vsftpd 3.0's unless ftpd.conf documents a difference.</summary>
    public static readonly IReadOnlyList<ConfigKey> Keys = new[]
    {
        B("listen", true, (c, v) => c with { Listen = v }, c => c.Listen),
        B("listen_ipv6", false, (c, v) => c with { ListenIpv6 = v }, c => c.ListenIpv6),
        S("listen_address", "", (c, v) => c with { ListenAddress = v }, c => c.ListenAddress),
        S("listen_address6", "", (c, v) => c with { ListenAddress6 = v }, c => c.ListenAddress6),
        I("listen_port", 21, (c, v) => c with { ListenPort = v }, c => c.ListenPort),
        I("max_clients", 2000, (c, v) => c with { MaxClients = v }, c => c.MaxClients),
        I("max_per_ip", 50, (c, v) => c with { MaxPerIp = v }, c => c.MaxPerIp),
        I("worker_pool_size", 4, (c, v) => c with { WorkerPoolSize = v }, c => c.WorkerPoolSize),
        B("worker_reuse", true, (c, v) => c with { WorkerReuse = v }, c => c.WorkerReuse),
        S("ftpd_banner", "(FtpFork " + Version + ")", (c, v) => c with { FtpdBanner = v }, c => c.FtpdBanner),
        S("banner_file", "", (c, v) => c with { BannerFile = v }, c => c.BannerFile),

        I("idle_session_timeout", 300, (c, v) => c with { IdleSessionTimeout = v }, c => c.IdleSessionTimeout),
        I("data_connection_timeout", 300, (c, v) => c with { DataConnectionTimeout = v }, c => c.DataConnectionTimeout),
        I("accept_timeout", 60, (c, v) => c with { AcceptTimeout = v }, c => c.AcceptTimeout),
        I("connect_timeout", 60, (c, v) => c with { ConnectTimeout = v }, c => c.ConnectTimeout),

        B("anonymous_enable", true, (c, v) => c with { AnonymousEnable = v }, c => c.AnonymousEnable),
        S("anon_root", "", (c, v) => c with { AnonRoot = v }, c => c.AnonRoot),
        B("no_anon_password", false, (c, v) => c with { NoAnonPassword = v }, c => c.NoAnonPassword),
        S("ftp_username", "ftp", (c, v) => c with { FtpUsername = v }, c => c.FtpUsername),
        B("anon_upload_enable", false, (c, v) => c with { AnonUploadEnable = v }, c => c.AnonUploadEnable),
        B("anon_mkdir_write_enable", false, (c, v) => c with { AnonMkdirWriteEnable = v }, c => c.AnonMkdirWriteEnable),
        B("anon_other_write_enable", false, (c, v) => c with { AnonOtherWriteEnable = v }, c => c.AnonOtherWriteEnable),
        B("anon_world_readable_only", true, (c, v) => c with { AnonWorldReadableOnly = v }, c => c.AnonWorldReadableOnly),
        O("anon_umask", Convert.ToInt32("077", 8), (c, v) => c with { AnonUmask = v }, c => c.AnonUmask),
        I("anon_max_rate", 0, (c, v) => c with { AnonMaxRate = v }, c => c.AnonMaxRate),
        B("dirmessage_enable", false, (c, v) => c with { DirmessageEnable = v }, c => c.DirmessageEnable),
        S("message_file", ".message", (c, v) => c with { MessageFile = v }, c => c.MessageFile),
        S("deny_file", "", (c, v) => c with { DenyFile = v }, c => c.DenyFile),
        S("hide_file", "", (c, v) => c with { HideFile = v }, c => c.HideFile),
        B("deny_email_enable", false, (c, v) => c with { DenyEmailEnable = v }, c => c.DenyEmailEnable),
        S("banned_email_file", "/etc/ftpfork.banned_emails", (c, v) => c with { BannedEmailFile = v }, c => c.BannedEmailFile),
        B("secure_email_list_enable", false, (c, v) => c with { SecureEmailListEnable = v }, c => c.SecureEmailListEnable),
        S("email_password_file", "/etc/ftpfork.email_passwords", (c, v) => c with { EmailPasswordFile = v }, c => c.EmailPasswordFile),
        B("anon_single_process", true, (c, v) => c with { AnonSingleProcess = v }, c => c.AnonSingleProcess),

        B("local_enable", false, (c, v) => c with { LocalEnable = v }, c => c.LocalEnable),
        S("pam_service_name", "ftpfork", (c, v) => c with { PamServiceName = v }, c => c.PamServiceName),
        O("local_umask", Convert.ToInt32("077", 8), (c, v) => c with { LocalUmask = v }, c => c.LocalUmask),
        I("local_max_rate", 0, (c, v) => c with { LocalMaxRate = v }, c => c.LocalMaxRate),
        S("local_root", "", (c, v) => c with { LocalRoot = v }, c => c.LocalRoot),
        S("user_sub_token", "", (c, v) => c with { UserSubToken = v }, c => c.UserSubToken),
        B("chroot_local_user", false, (c, v) => c with { ChrootLocalUser = v }, c => c.ChrootLocalUser),
        B("chroot_list_enable", false, (c, v) => c with { ChrootListEnable = v }, c => c.ChrootListEnable),
        S("chroot_list_file", "/etc/ftpfork.chroot_list", (c, v) => c with { ChrootListFile = v }, c => c.ChrootListFile),
        B("allow_writeable_chroot", false, (c, v) => c with { AllowWriteableChroot = v }, c => c.AllowWriteableChroot),
        B("passwd_chroot_enable", false, (c, v) => c with { PasswdChrootEnable = v }, c => c.PasswdChrootEnable),
        B("guest_enable", false, (c, v) => c with { GuestEnable = v }, c => c.GuestEnable),
        S("guest_username", "ftp", (c, v) => c with { GuestUsername = v }, c => c.GuestUsername),
        S("virtual_users_file", "/etc/ftpfork.virtual_users", (c, v) => c with { VirtualUsersFile = v }, c => c.VirtualUsersFile),
        B("virtual_use_local_privs", false, (c, v) => c with { VirtualUseLocalPrivs = v }, c => c.VirtualUseLocalPrivs),
        S("user_config_dir", "", (c, v) => c with { UserConfigDir = v }, c => c.UserConfigDir),
        B("userlist_enable", false, (c, v) => c with { UserlistEnable = v }, c => c.UserlistEnable),
        B("userlist_deny", true, (c, v) => c with { UserlistDeny = v }, c => c.UserlistDeny),
        S("userlist_file", "/etc/ftpfork.user_list", (c, v) => c with { UserlistFile = v }, c => c.UserlistFile),
        S("nopriv_user", "nobody", (c, v) => c with { NoprivUser = v }, c => c.NoprivUser),
        S("secure_chroot_dir", "/usr/share/empty", (c, v) => c with { SecureChrootDir = v }, c => c.SecureChrootDir),
        I("delay_failed_login", 1, (c, v) => c with { DelayFailedLogin = v }, c => c.DelayFailedLogin),
        I("delay_successful_login", 0, (c, v) => c with { DelaySuccessfulLogin = v }, c => c.DelaySuccessfulLogin),
        I("max_login_fails", 3, (c, v) => c with { MaxLoginFails = v }, c => c.MaxLoginFails),
        B("check_shell", true, (c, v) => c with { CheckShell = v }, c => c.CheckShell),

        B("write_enable", false, (c, v) => c with { WriteEnable = v }, c => c.WriteEnable),
        B("download_enable", true, (c, v) => c with { DownloadEnable = v }, c => c.DownloadEnable),
        B("dirlist_enable", true, (c, v) => c with { DirlistEnable = v }, c => c.DirlistEnable),
        B("chmod_enable", true, (c, v) => c with { ChmodEnable = v }, c => c.ChmodEnable),
        O("file_open_mode", Convert.ToInt32("0666", 8), (c, v) => c with { FileOpenMode = v }, c => c.FileOpenMode),
        B("ascii_upload_enable", true, (c, v) => c with { AsciiUploadEnable = v }, c => c.AsciiUploadEnable),
        B("ascii_download_enable", true, (c, v) => c with { AsciiDownloadEnable = v }, c => c.AsciiDownloadEnable),
        B("hide_ids", false, (c, v) => c with { HideIds = v }, c => c.HideIds),
        B("use_localtime", false, (c, v) => c with { UseLocaltime = v }, c => c.UseLocaltime),
        B("force_dot_files", false, (c, v) => c with { ForceDotFiles = v }, c => c.ForceDotFiles),
        B("ls_recurse_enable", false, (c, v) => c with { LsRecurseEnable = v }, c => c.LsRecurseEnable),
        B("mdtm_write", true, (c, v) => c with { MdtmWrite = v }, c => c.MdtmWrite),
        B("delete_failed_uploads", false, (c, v) => c with { DeleteFailedUploads = v }, c => c.DeleteFailedUploads),
        B("lock_upload_files", true, (c, v) => c with { LockUploadFiles = v }, c => c.LockUploadFiles),
        B("use_sendfile", true, (c, v) => c with { UseSendfile = v }, c => c.UseSendfile),
        S("cmds_allowed", "", (c, v) => c with { CmdsAllowed = v }, c => c.CmdsAllowed),
        S("cmds_denied", "", (c, v) => c with { CmdsDenied = v }, c => c.CmdsDenied),

        B("pasv_enable", true, (c, v) => c with { PasvEnable = v }, c => c.PasvEnable),
        I("pasv_min_port", 0, (c, v) => c with { PasvMinPort = v }, c => c.PasvMinPort),
        I("pasv_max_port", 0, (c, v) => c with { PasvMaxPort = v }, c => c.PasvMaxPort),
        S("pasv_address", "", (c, v) => c with { PasvAddress = v }, c => c.PasvAddress),
        B("pasv_addr_resolve", false, (c, v) => c with { PasvAddrResolve = v }, c => c.PasvAddrResolve),
        B("pasv_promiscuous", false, (c, v) => c with { PasvPromiscuous = v }, c => c.PasvPromiscuous),
        B("port_enable", true, (c, v) => c with { PortEnable = v }, c => c.PortEnable),
        B("port_promiscuous", false, (c, v) => c with { PortPromiscuous = v }, c => c.PortPromiscuous),
        B("connect_from_port_20", false, (c, v) => c with { ConnectFromPort20 = v }, c => c.ConnectFromPort20),
        I("ftp_data_port", 20, (c, v) => c with { FtpDataPort = v }, c => c.FtpDataPort),

        B("ssl_enable", false, (c, v) => c with { SslEnable = v }, c => c.SslEnable),
        B("implicit_ssl", false, (c, v) => c with { ImplicitSsl = v }, c => c.ImplicitSsl),
        S("rsa_cert_file", "/usr/share/ssl/certs/ftpfork.pem", (c, v) => c with { RsaCertFile = v }, c => c.RsaCertFile),
        S("rsa_private_key_file", "", (c, v) => c with { RsaPrivateKeyFile = v }, c => c.RsaPrivateKeyFile),
        S("ca_certs_file", "", (c, v) => c with { CaCertsFile = v }, c => c.CaCertsFile),
        S("ssl_ciphers", "HIGH:!aNULL:!MD5:!RC4:!kRSA:!PSK:!SRP", (c, v) => c with { SslCiphers = v }, c => c.SslCiphers),
        B("ssl_tlsv1_2", true, (c, v) => c with { SslTlsv12 = v }, c => c.SslTlsv12),
        B("ssl_tlsv1_3", true, (c, v) => c with { SslTlsv13 = v }, c => c.SslTlsv13),
        B("allow_anon_ssl", false, (c, v) => c with { AllowAnonSsl = v }, c => c.AllowAnonSsl),
        B("force_anon_logins_ssl", false, (c, v) => c with { ForceAnonLoginsSsl = v }, c => c.ForceAnonLoginsSsl),
        B("force_anon_data_ssl", false, (c, v) => c with { ForceAnonDataSsl = v }, c => c.ForceAnonDataSsl),
        B("force_local_logins_ssl", true, (c, v) => c with { ForceLocalLoginsSsl = v }, c => c.ForceLocalLoginsSsl),
        B("force_local_data_ssl", true, (c, v) => c with { ForceLocalDataSsl = v }, c => c.ForceLocalDataSsl),
        B("require_ssl_reuse", true, (c, v) => c with { RequireSslReuse = v }, c => c.RequireSslReuse),
        B("strict_ssl_read_eof", false, (c, v) => c with { StrictSslReadEof = v }, c => c.StrictSslReadEof),
        B("strict_ssl_write_shutdown", false, (c, v) => c with { StrictSslWriteShutdown = v }, c => c.StrictSslWriteShutdown),
        B("ssl_request_cert", true, (c, v) => c with { SslRequestCert = v }, c => c.SslRequestCert),
        B("require_cert", false, (c, v) => c with { RequireCert = v }, c => c.RequireCert),
        B("validate_cert", false, (c, v) => c with { ValidateCert = v }, c => c.ValidateCert),
        B("debug_ssl", false, (c, v) => c with { DebugSsl = v }, c => c.DebugSsl),

        B("log_ftp_protocol", false, (c, v) => c with { LogFtpProtocol = v }, c => c.LogFtpProtocol),
        B("xferlog_enable", false, (c, v) => c with { XferlogEnable = v }, c => c.XferlogEnable),
        S("xferlog_file", "/var/log/xferlog", (c, v) => c with { XferlogFile = v }, c => c.XferlogFile),
        B("xferlog_std_format", false, (c, v) => c with { XferlogStdFormat = v }, c => c.XferlogStdFormat),
        S("vsftpd_log_file", "/var/log/ftpfork.log", (c, v) => c with { VsftpdLogFile = v }, c => c.VsftpdLogFile),
        B("dual_log_enable", false, (c, v) => c with { DualLogEnable = v }, c => c.DualLogEnable),
        B("syslog_enable", false, (c, v) => c with { SyslogEnable = v }, c => c.SyslogEnable),

        S("admin_socket", "/run/ftpfork/admin.sock", (c, v) => c with { AdminSocket = v }, c => c.AdminSocket),
        S("admin_socket_group", "", (c, v) => c with { AdminSocketGroup = v }, c => c.AdminSocketGroup),
    };

    public const string Version = "0.1.0";

    /// <summary>Numbers with a narrower range than "non-negative": checked where they are read, so the error has file:line.</summary>
    public static readonly IReadOnlyDictionary<string, (long Min, long Max)> Ranges = new Dictionary<string, (long, long)>
    {
        ["listen_port"] = (1, 65535),
        ["pasv_min_port"] = (0, 65535),
        ["pasv_max_port"] = (0, 65535),
        ["ftp_data_port"] = (1, 65535),
        ["worker_pool_size"] = (0, 1000),
        ["anon_umask"] = (0, 511),
        ["local_umask"] = (0, 511),
        ["file_open_mode"] = (0, 4095),
    };

    /// <summary>vsftpd 3.0 keys we accept but do not implement: a warning naming each, never an error.</summary>
    /// <summary>
    /// What an admin's vsftpd.conf loses when one of these is switched on (YES, or any value for a
    /// file pattern): said with the warning, so an ignored safety setting is never silent.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> VsftpdOnlyConsequence = new Dictionary<string, string>
    {
        ["dsa_cert_file"] = "no DSA certificate is served (rsa_cert_file takes an RSA or ECDSA one)",
        ["ssl_sni_hostname"] = "the server name a TLS client asks for is not checked",
        ["tcp_wrappers"] = "/etc/hosts.allow and /etc/hosts.deny are not consulted",
        ["chown_uploads"] = "anonymous uploads keep the anonymous account as owner",
    };

    public static readonly IReadOnlySet<string> VsftpdOnly = new HashSet<string>
    {
        "chown_uploads", "chown_username", "chown_upload_mode",
        "async_abor_enable", "one_process_model",
        "setproctitle_enable", "text_userdb_names", "tcp_wrappers",
        "background", "session_support",
        "run_as_launching_user", "no_log_lock",
        "tilde_user_enable",
        "reverse_lookup_enable", "userlist_log",
        "ptrace_sandbox", "sandbox", "isolate", "isolate_network", "ftp_enable",
        "http_enable", "seccomp_sandbox", "enable_iconv", "trans_chunk_size",
        "dsa_cert_file", "dh_param_file", "ecdh_param_file",
        "dsa_private_key_file", "local_charset", "remote_charset",
        "better_stou", "log_die", "utf8_filesystem", "ssl_sni_hostname", "bind_retries",
    };

    /// <summary>Other spellings of a key, as vsftpd versions and distributions use them (3.0.5 upstream: ssl_tlsv12).</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>
    {
        ["ssl_tlsv12"] = "ssl_tlsv1_2",
        ["ssl_tlsv13"] = "ssl_tlsv1_3",
    };

    /// <summary>
    /// vsftpd's switches for protocols FtpFork never offers (TLS 1.2 and 1.3 only): accepted, a
    /// warning when set to YES (vsftpd 3.0.3's default ssl_tlsv1=YES is in many existing files).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NeverOffered = new Dictionary<string, string>
    {
        ["ssl_sslv2"] = "SSL 2.0",
        ["ssl_sslv3"] = "SSL 3.0",
        ["ssl_tlsv1"] = "TLS 1.0",
        ["ssl_tlsv1_1"] = "TLS 1.1",
        ["ssl_tlsv11"] = "TLS 1.1",
    };

    private static readonly Dictionary<string, ConfigKey> ByName = Index(Keys);

    private static Dictionary<string, ConfigKey> Index(IReadOnlyList<ConfigKey> keys)
    {
        var d = new Dictionary<string, ConfigKey>(keys.Count);
        foreach (var k in keys) d.Add(k.Name, k); // Add: a duplicate name throws, as ToDictionary did
        return d;
    }

    /// <summary>The key of <paramref name="name"/> or of the spelling it is an alias of.</summary>
    public static ConfigKey? Find(string name) =>
        ByName.GetValueOrDefault(Aliases.TryGetValue(name, out var canonical) ? canonical : name);

    public static FtpConfig ApplyDefaults(FtpConfig c)
    {
        // Each Set copies the whole record: skip the keys whose default is what a new record holds.
        foreach (var k in Keys)
            if (!k.Get(c).Equals(k.Default)) c = k.Set(c, k.Default);
        return c;
    }

    /// <summary>The whole config as ftpd.conf text that ConfigParser reads back to an equal record.</summary>
    public static string ToText(FtpConfig c) => Format(c, onlyChanged: false);

    /// <summary>
    /// Only the keys whose value differs from the default: for a reader that applies it to
    /// FtpConfig.Defaults (a new worker), so it parses a few lines instead of every key.
    /// </summary>
    public static string ToChangedText(FtpConfig c) => Format(c, onlyChanged: true);

    private static string Format(FtpConfig c, bool onlyChanged)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var k in Keys)
        {
            object v = k.Get(c);
            if (onlyChanged && v.Equals(k.Get(FtpConfig.Defaults))) continue;
            sb.Append(k.Name).Append('=').Append(k.Kind switch
            {
                KeyKind.Bool => (bool)v ? "YES" : "NO",
                KeyKind.Octal => "0" + Convert.ToString((int)v, 8),
                _ => v.ToString(),
            }).Append('\n');
        }
        return sb.ToString();
    }
}
