// The master↔worker message format: "TYPE\nbody" over a SEQPACKET socketpair, an fd riding along when needed.
using System.Text;
using FtpFork.Common.Interop;

namespace FtpFork.Common.Ipc;

public static class MessageType
{
    /// <summary>master → new pool worker, before CONFIG: the identity to take before any client (PreloginIdentity), with its stats page (SessionStats) as the fd.</summary>
    public const string Prelogin = "PRELOGIN";
    /// <summary>master → new worker: the effective config as ftpd.conf text (to a session worker with its stats page as the fd).</summary>
    public const string Config = "CONFIG";
    /// <summary>master → new pool worker after CONFIG when ssl_enable (and to a session worker that needs them): TlsMaterial, the PEM bytes.</summary>
    public const string TlsCert = "TLSCERT";
    /// <summary>master → pool worker: a client socket (fd) and "peer-ip\npeer-port\nclients connected".</summary>
    public const string Client = "CLIENT";
    /// <summary>pre-login worker → master: a login attempt (AuthRequest) with the control fd.</summary>
    public const string Auth = "AUTH";
    /// <summary>master → pre-login worker: the verdict on its AUTH (AuthResult: OK, HERE, FAIL or OOPS with a reason).</summary>
    public const string AuthResult = "AUTHRESULT";
    /// <summary>master → new spare, its first message: say READY, then wait for SESSION.</summary>
    public const string Spare = "SPARE";
    /// <summary>new worker → master, once: its start is over (a pool worker waits for CLIENT, a spare for SESSION).</summary>
    public const string Ready = "READY";
    /// <summary>pre-login worker → master, once, at its client's first command other than QUIT: it will not come back to the pool.</summary>
    public const string Busy = "BUSY";
    /// <summary>
    /// pre-login worker → master, with the client's socket: its client left having sent nothing but
    /// QUIT; the master checks that and closes the socket, and the worker waits for CLIENT again (worker_reuse).
    /// </summary>
    public const string Idle = "IDLE";
    /// <summary>master → new session worker, before CONFIG: SessionHandoff with the control fd.</summary>
    public const string Session = "SESSION";
    /// <summary>any worker → master: an ActivityRecord (a transfer, a file change, a protocol line, a note) for the master to log.</summary>
    public const string Log = "LOG";
}

/// <summary>worker_reuse's bounds, the same for the worker that offers itself back and the master that checks.</summary>
public static class WorkerReuse
{
    /// <summary>The most a client may have sent for its worker to serve another: "QUIT\r\n".</summary>
    public const int MaxClientBytes = 6;
    /// <summary>How long after the hand-over a worker whose client sent no command yet counts as one that may come back.</summary>
    public const long GraceMs = 1_000;
}

public readonly record struct Message(string Type, string Body, int Fd);

public static class Channel
{
    /// <summary>The fd number a worker finds its end of the socketpair on.</summary>
    public const int WorkerFd = 3;

    public static void Send(int sock, string type, string body, int fd = -1) =>
        FdPassing.Send(sock, Encoding.UTF8.GetBytes(type + "\n" + body), fd);

    /// <summary>One message, or null when the other side has gone.</summary>
    public static Message? Receive(int sock)
    {
        byte[]? data = FdPassing.Receive(sock, out int fd);
        if (data == null) return null;
        string s = Encoding.UTF8.GetString(data);
        int nl = s.IndexOf('\n');
        return nl < 0 ? new Message(s, "", fd) : new Message(s[..nl], s[(nl + 1)..], fd);
    }
}
