// One client's session: all its state, where its signals are acted on, and the pre-login then post-login loops.
using FtpFork.Common.Config;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public enum TransferType { Ascii, Image }

public sealed class Session
{
    public FtpConfig Config { get; set; }
    public ControlConnection Control { get; }
    public Timeouts Timeouts { get; }
    public string ClientIp { get; }
    /// <summary>Clients connected when this one arrived, itself included (STAT, as vsftpd); 0 if unknown.</summary>
    public int ClientCountAtStart { get; set; }
    public int ChannelFd { get; }

    // Login state
    public string? PendingUser { get; set; }
    public string? User { get; set; }
    public bool IsAnonymous { get; set; }
    public bool LoggedIn => User != null;
    public int FailedLogins { get; set; }
    /// <summary>userlist_file and the built-in deny list, read before the pre-login chroot.</summary>
    public UserLists UserLists { get; set; } = null!;
    public bool QuitRequested { get; set; }
    /// <summary>The login moved this session to a new process (as this user): under TLS this one stays as its relay.</summary>
    public string? MovedAs { get; set; }
    /// <summary>What this process became before the client arrived (a pool worker's PRELOGIN).</summary>
    public PreloginIdentity Prelogin { get; set; } = PreloginIdentity.Unchanged;
    /// <summary>The live numbers `ftpfork who` shows (the page shared with the master), or null.</summary>
    public SessionStats? Stats { get; set; }
    /// <summary>The log entry under way (a transfer, a file change), sent to the master when it ends.</summary>
    public ActivityEntry Activity { get; }
    /// <summary>Directories whose message_file this session has shown (dirmessage_enable shows each once).</summary>
    public HashSet<string> MessagesShown { get; } = new(StringComparer.Ordinal);
    /// <summary>ssl_enable: the TLS context this process serves with (made before its privilege drop); null otherwise.</summary>
    public TlsContext? Tls { get; set; }
    /// <summary>banner_file's lines for the greeting, or null for ftpd_banner.</summary>
    public string[]? BannerLines { get; set; }

    // TLS: PBSZ came (PROT may follow); PROT P (data connections are TLS and must resume the control session)
    public bool PbszDone { get; set; }
    public bool DataProtected { get; set; }
    /// <summary>SHA-256 of the client certificate on the control connection (empty: none): data connections must show the same.</summary>
    public byte[] ControlCertDigest
    {
        get => Control.Relay?.PeerCertDigest ?? _controlCertDigest;
        set => _controlCertDigest = value;
    }
    private byte[] _controlCertDigest = Array.Empty<byte>();

    /// <summary>AUTH TLS or implicit_ssl: a fresh ticket key and session context for this FTP session, then the relay's handshake.</summary>
    public void StartTls()
    {
        if (Tls == null) throw new InvalidOperationException("TLS asked for in a process without a TLS context");
        Commit();
        Tls.NewFtpSession();
        Control.StartTls(Tls, _log, ClientIp, Config.DebugSsl);
    }

    // Transfer parameters
    public TransferType Type { get; set; } = TransferType.Ascii;
    public long RestOffset { get; set; }
    public string? RenameFrom { get; set; }
    public bool Utf8 { get; set; } = true;
    /// <summary>The facts MLSD/MLST send (OPTS MLST changes them), from ListFormat.AllFacts.</summary>
    public IReadOnlyList<string> MlstFacts { get; set; } = ListFormat.DefaultFacts;
    /// <summary>HASH's algorithm (OPTS HASH changes it), one of HashCommands.Algorithms.</summary>
    public string HashAlgorithm { get; set; } = HashCommands.Algorithms[0];

    // Data connection
    /// <summary>The data connection the client set up with PASV/EPSV/PORT/EPRT (one transfer's worth).</summary>
    public DataChannel Data { get; } = new();
    /// <summary>Set by "EPSV ALL": from then on PASV, PORT and EPRT are refused (RFC 2428).</summary>
    public bool EpsvAll { get; set; }

    // Files
    private FileSystemView? _files;
    /// <summary>The logged-in user's files; only post-login commands touch it (login sets it).</summary>
    public FileSystemView Files
    {
        get => _files ?? throw new InvalidOperationException("no file view before login");
        set => _files = value;
    }

    // 0/1 flags set with Interlocked (a full fence): each side sets its own flag, then reads the
    // other's, so a SIGTERM arriving as the next read starts is seen by one side or both, never neither.
    private int _waitingForCommand;
    private int _terminateRequested;
    private readonly Action<string> _log;

    public const string TimeoutLine = "421 Timeout.";
    public const string DataTimeoutLine = "421 Data timeout. Reconnect. Sorry.";
    public const string ShutdownLine = "421 Server is shutting down.";
    public const string MasterGoneLine = "421 Service not available, closing control connection.";
    public const string KickedLine = "421 Session ended by the administrator.";

    public Session(FtpConfig config, ControlConnection control, string clientIp, int channelFd, Action<string> log)
    {
        Config = config;
        Control = control;
        ClientIp = clientIp;
        ChannelFd = channelFd;
        _log = log;
        Timeouts = new Timeouts(config.IdleSessionTimeout, config.DataConnectionTimeout);
        Activity = new ActivityEntry(config.XferlogEnable || config.DualLogEnable || config.SyslogEnable);
    }

    public void Log(string line) => _log(line);

    private bool _committed;

    /// <summary>
    /// Before each pre-login command: any line but a bare QUIT commits this process to its client
    /// (it will not go back to the pool), and with worker_reuse the master is told so at once: it
    /// starts a replacement then, not when the client arrived.
    /// </summary>
    public void NoteCommand(CommandLine line)
    {
        if (_committed) return;
        if (line.Status == LineStatus.Ok && line.Text.Equals("QUIT", StringComparison.OrdinalIgnoreCase)
            && Control.BytesReceived <= WorkerReuse.MaxClientBytes && !Control.IsSecure) return;
        Commit();
    }

    /// <summary>This process will serve no other client (a command came, or TLS started); with worker_reuse the master hears BUSY.</summary>
    public void Commit()
    {
        if (_committed) return;
        _committed = true;
        if (!Config.WorkerReuse) return;
        try
        {
            Channel.Send(ChannelFd, MessageType.Busy, "");
        }
        catch (PosixException) { /* the master is gone: it has no pool to count us in */ }
    }

    /// <summary>
    /// worker_reuse: the session ended with nothing parsed but a bare QUIT, no login, no stop asked
    /// for; the process is as it was before the client came (the master checks the byte count too).
    /// </summary>
    public bool MayReturnToPool =>
        Config.WorkerReuse && !_committed && !LoggedIn && PendingUser == null && !Control.IsSecure
        && Control.BytesReceived <= WorkerReuse.MaxClientBytes && !TerminateRequested;

    /// <summary>A SIGTERM (or SIGINT) reached this session.</summary>
    public bool TerminateRequested => Volatile.Read(ref _terminateRequested) == 1;

    /// <summary>The signal thread's entry for each signal: the flag was recorded, this is the place it is acted on.</summary>
    public void OnSignal(Sig sig)
    {
        if (sig == Sig.Alarm)
        {
            switch (Timeouts.OnAlarm())
            {
                case AlarmVerdict.IdleTimeout: Control.CloseWith(TimeoutLine, 1); break;
                case AlarmVerdict.DataTimeout: Control.CloseWith(DataTimeoutLine, 1); break;
            }
        }
        else if (sig == Sig.Usr1)
        {
            Control.CloseWith(KickedLine, 0); // `ftpfork who --kick`: at once, a transfer too
        }
        else if (sig is Sig.Term or Sig.Int)
        {
            Interlocked.Exchange(ref _terminateRequested, 1);
            if (Volatile.Read(ref _waitingForCommand) == 1) Control.CloseWith(ShutdownLine, 0);
        }
    }

    /// <summary>Reads the next command, with the idle alarm armed; a pending SIGTERM is acted on here.</summary>
    public CommandLine NextCommand()
    {
        SetTitle(LoggedIn ? "IDLE" : "connected");
        Stats?.SetState(LoggedIn ? "IDLE" : "connected", "");
        Stats?.SetTls(Control.IsSecure);
        Timeouts.StartIdle();
        Interlocked.Exchange(ref _waitingForCommand, 1);
        if (Volatile.Read(ref _terminateRequested) == 1) Control.CloseWith(ShutdownLine, 0);
        var line = Control.ReadLine();
        Stats?.CommandSeen();
        Interlocked.Exchange(ref _waitingForCommand, 0);
        Timeouts.Stop();
        return line;
    }

    public void SetTitle(string state) =>
        ProcessTitle.Set(User == null ? $"{ClientIp}: {state}" : $"{ClientIp}: {User}: {state}");

    /// <summary>
    /// 220: ftpd_banner, or banner_file's lines as vsftpd sends them ("220-" before each, then
    /// "220 " alone); a line never carries a CR (no forged replies). False: the client is gone.
    /// </summary>
    private bool Greet() => Control.TryGreet(ReplyCodes.ServiceReady, BannerLines, Config.FtpdBanner);

    /// <summary>Greets the client and runs both loops to the end of the session (a client gone before its greeting ends it at once).</summary>
    public void Run()
    {
        // implicit_ssl: the handshake comes first (the relay's; the idle alarm bounds it), the 220 inside it.
        if (Config.ImplicitSsl) StartTls();
        if (!Greet()) return;
        if (!PreLogin.Run(this)) return;
        PostLogin.Run(this);
    }
}
