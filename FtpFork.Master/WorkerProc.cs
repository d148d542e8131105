// One worker process as the master knows it: pid, channel, its client, its state in the pool.
namespace FtpFork.Master;

public sealed class WorkerProc
{
    public required int Pid { get; init; }
    /// <summary>The master's end of this worker's socketpair; -1 once closed.</summary>
    public int Channel { get; set; }
    /// <summary>The client's address once a client was handed over; null while in the pool.</summary>
    public string? ClientIp { get; set; }
    public int ClientPort { get; set; }
    /// <summary>The server's end of the client's connection (ssl_enable: what a relayed TLS session's worker binds PASV on).</summary>
    public System.Net.IPEndPoint? ClientLocal { get; set; }
    /// <summary>A pre-login worker that stays as its moved session's TLS relay (after its login's OK).</summary>
    public bool IsRelay { get; set; }
    /// <summary>Clients connected when this one was handed over, itself included (STAT shows it, as vsftpd).</summary>
    public int ClientCount { get; set; }
    /// <summary>A logged-in session's worker (started with the user's identity), never a pool worker.</summary>
    public bool IsSession { get; init; }
    /// <summary>The control fd a pre-login worker passed with AUTH, held while its login is checked; -1 otherwise.</summary>
    public int AuthFd { get; set; } = -1;
    /// <summary>A pool worker whose anonymous login stayed in it (anon_single_process).</summary>
    public bool LoggedIn { get; set; }
    /// <summary>Said READY: its start is over and it waits for CLIENT (pool) or SESSION (spare).</summary>
    public bool Ready { get; set; }
    /// <summary>When it was started (Environment.TickCount64): a start that never says READY stops counting as one after a while.</summary>
    public long StartedAt { get; init; }
    /// <summary>When its current client was handed over (Environment.TickCount64).</summary>
    public long HandedAt { get; set; }
    /// <summary>Its client sent a command other than QUIT (BUSY): it will not come back to the pool.</summary>
    public bool Committed { get; set; }
    /// <summary>fstat's (device, inode) of the client socket handed over: what IDLE must send back.</summary>
    public (ulong Dev, ulong Ino) ClientSocket { get; set; }
    /// <summary>The master's copy of the client handed over, kept until the worker has read its CLIENT (MasterLoop.Handover.cs).</summary>
    public System.Net.Sockets.Socket? Untaken { get; set; }
    /// <summary>Killed by the master for not taking its client: its death pauses nothing.</summary>
    public bool Killed { get; set; }
    /// <summary>The pool setup (WorkerPool.Setup) it was started with: a pool worker of an older one is not given clients after a reload.</summary>
    public int Generation { get; init; }
    /// <summary>Told to leave because a reload replaced its setup: its exit is no failed start.</summary>
    public bool Retired { get; set; }
    /// <summary>Its live numbers (the page it shares with the master), read by `ftpfork who`; null before it has one or once reaped.</summary>
    public FtpFork.Common.Ipc.SessionStats? Stats { get; set; }
    /// <summary>The logged-in user as the logs show it (ftp_username for anonymous); null before login.</summary>
    public string? User { get; set; }
    /// <summary>An anonymous session (xferlog's "a", with the password as its identity).</summary>
    public bool Anonymous { get; set; }
    /// <summary>A virtual user's session (guest_enable: xferlog's "g").</summary>
    public bool Guest { get; set; }
    public string AnonPassword { get; set; } = "";
    /// <summary>The name and (anonymous only) password of the AUTH being checked, for the LOGIN line.</summary>
    public (string Name, bool Anonymous, string Password)? LoginAttempt { get; set; }
    /// <summary>When its client was handed over and when it logged in (UTC); default before.</summary>
    public DateTime ConnectedAt { get; set; }
    public DateTime LoginAt { get; set; }

    /// <summary>worker_reuse: a pool worker serving a client that has sent no command but QUIT, no login under way or done.</summary>
    public bool MayComeBack => !IsSession && ClientIp != null && !Committed && !LoggedIn && AuthFd < 0;
}
