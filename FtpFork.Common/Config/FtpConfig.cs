// The immutable configuration record: one typed property per ftpd.conf key (defaults live in ConfigTable).
namespace FtpFork.Common.Config;

public sealed record FtpConfig
{
    // Listening and the process model
    public bool Listen { get; init; }
    public bool ListenIpv6 { get; init; }
    public string ListenAddress { get; init; } = "";
    public string ListenAddress6 { get; init; } = "";
    public int ListenPort { get; init; }
    public int MaxClients { get; init; }
    public int MaxPerIp { get; init; }
    public int WorkerPoolSize { get; init; }
    public bool WorkerReuse { get; init; }
    public string FtpdBanner { get; init; } = "";
    public string BannerFile { get; init; } = "";

    // Timeouts (seconds, 0 = off)
    public int IdleSessionTimeout { get; init; }
    public int DataConnectionTimeout { get; init; }
    public int AcceptTimeout { get; init; }
    public int ConnectTimeout { get; init; }

    // Anonymous access
    public bool AnonymousEnable { get; init; }
    public string AnonRoot { get; init; } = "";
    public bool NoAnonPassword { get; init; }
    public string FtpUsername { get; init; } = "";
    public bool AnonUploadEnable { get; init; }
    public bool AnonMkdirWriteEnable { get; init; }
    public bool AnonOtherWriteEnable { get; init; }
    public bool AnonWorldReadableOnly { get; init; }
    public int AnonUmask { get; init; }
    public int AnonMaxRate { get; init; }

    // Local, virtual users and isolation
    public bool LocalEnable { get; init; }
    public string PamServiceName { get; init; } = "";
    public int LocalUmask { get; init; }
    public int LocalMaxRate { get; init; }
    public string LocalRoot { get; init; } = "";
    public string UserSubToken { get; init; } = "";
    public bool ChrootLocalUser { get; init; }
    public bool ChrootListEnable { get; init; }
    public string ChrootListFile { get; init; } = "";
    public bool AllowWriteableChroot { get; init; }
    /// <summary>As root with anonymous_enable: pre-login workers run as the anonymous account in its root, so an anonymous login needs no second process.</summary>
    public bool AnonSingleProcess { get; init; }
    /// <summary>lock_upload_files: uploads hold an exclusive fcntl lock on the file, downloads a shared one.</summary>
    public bool LockUploadFiles { get; init; }
    /// <summary>deny_email_enable: anonymous passwords listed in banned_email_file are refused.</summary>
    public bool DenyEmailEnable { get; init; }
    public string BannedEmailFile { get; init; } = "";
    /// <summary>secure_email_list_enable: only anonymous passwords listed in email_password_file are accepted.</summary>
    public bool SecureEmailListEnable { get; init; }
    public string EmailPasswordFile { get; init; } = "";
    /// <summary>dirmessage_enable: message_file of a directory is shown (once a session) on entering it.</summary>
    public bool DirmessageEnable { get; init; }
    public string MessageFile { get; init; } = "";
    /// <summary>deny_file: names (vsftpd patterns: * ? {a,b}) no command may reach, in any path component.</summary>
    public string DenyFile { get; init; } = "";
    /// <summary>hide_file: names left out of listings (still reachable by name).</summary>
    public string HideFile { get; init; } = "";
    public bool PasswdChrootEnable { get; init; }
    public bool GuestEnable { get; init; }
    public string GuestUsername { get; init; } = "";
    public string VirtualUsersFile { get; init; } = "";
    public bool VirtualUseLocalPrivs { get; init; }
    public string UserConfigDir { get; init; } = "";
    public bool UserlistEnable { get; init; }
    public bool UserlistDeny { get; init; }
    public string UserlistFile { get; init; } = "";
    public string NoprivUser { get; init; } = "";
    public string SecureChrootDir { get; init; } = "";
    public int DelayFailedLogin { get; init; }
    public int DelaySuccessfulLogin { get; init; }
    public int MaxLoginFails { get; init; }
    public bool CheckShell { get; init; }

    // Commands and files
    public bool WriteEnable { get; init; }
    public bool DownloadEnable { get; init; }
    public bool DirlistEnable { get; init; }
    public bool ChmodEnable { get; init; }
    public int FileOpenMode { get; init; }
    public bool AsciiUploadEnable { get; init; }
    public bool AsciiDownloadEnable { get; init; }
    public bool HideIds { get; init; }
    public bool UseLocaltime { get; init; }
    public bool ForceDotFiles { get; init; }
    public bool LsRecurseEnable { get; init; }
    public bool MdtmWrite { get; init; }
    public bool DeleteFailedUploads { get; init; }
    public bool UseSendfile { get; init; }
    public string CmdsAllowed { get; init; } = "";
    public string CmdsDenied { get; init; } = "";

    // Data connections
    public bool PasvEnable { get; init; }
    public int PasvMinPort { get; init; }
    public int PasvMaxPort { get; init; }
    public string PasvAddress { get; init; } = "";
    /// <summary>pasv_addr_resolve: pasv_address is a host name, resolved once by the master at start.</summary>
    public bool PasvAddrResolve { get; init; }
    public bool PasvPromiscuous { get; init; }
    public bool PortEnable { get; init; }
    public bool PortPromiscuous { get; init; }
    public bool ConnectFromPort20 { get; init; }
    public int FtpDataPort { get; init; }

    // TLS (FTPS, RFC 4217): vsftpd's keys and meanings
    public bool SslEnable { get; init; }
    /// <summary>implicit_ssl: every connection starts with the TLS handshake (the 220 comes inside TLS).</summary>
    public bool ImplicitSsl { get; init; }
    public string RsaCertFile { get; init; } = "";
    /// <summary>rsa_private_key_file: "" = the key is in rsa_cert_file.</summary>
    public string RsaPrivateKeyFile { get; init; } = "";
    public string CaCertsFile { get; init; } = "";
    public string SslCiphers { get; init; } = "";
    public bool SslTlsv12 { get; init; }
    public bool SslTlsv13 { get; init; }
    public bool AllowAnonSsl { get; init; }
    public bool ForceAnonLoginsSsl { get; init; }
    public bool ForceAnonDataSsl { get; init; }
    public bool ForceLocalLoginsSsl { get; init; }
    public bool ForceLocalDataSsl { get; init; }
    /// <summary>require_ssl_reuse: every PROT P data connection must resume the control connection's TLS session.</summary>
    public bool RequireSslReuse { get; init; }
    public bool StrictSslReadEof { get; init; }
    public bool StrictSslWriteShutdown { get; init; }
    public bool SslRequestCert { get; init; }
    public bool RequireCert { get; init; }
    public bool ValidateCert { get; init; }
    public bool DebugSsl { get; init; }

    // Logging
    public bool LogFtpProtocol { get; init; }
    public bool XferlogEnable { get; init; }
    public string XferlogFile { get; init; } = "";
    public bool XferlogStdFormat { get; init; }
    public string VsftpdLogFile { get; init; } = "";
    public bool DualLogEnable { get; init; }
    public bool SyslogEnable { get; init; }

    // Running as a service
    /// <summary>admin_socket: where `ftpfork who` reaches the master ("" = none).</summary>
    public string AdminSocket { get; init; } = "";
    /// <summary>admin_socket_group: a group whose members may use it too ("" = the master's user only).</summary>
    public string AdminSocketGroup { get; init; } = "";

    /// <summary>Every key at its default.</summary>
    public static FtpConfig Defaults { get; } = ConfigTable.ApplyDefaults(new FtpConfig());
}
