// The shape of one row of the command table.
namespace FtpFork.Worker;

/// <summary>Whether a command takes an argument.</summary>
public enum Arg { None, Required, Optional }

/// <summary>What a command needs the session to allow before it runs.</summary>
public enum Perm { None, Read, List, Mkdir, Upload, Other }

/// <summary>What must have come before (answered with 503 when missing).</summary>
public enum Sequence { None, AfterUser, AfterRnfr, BeforeTls, AfterTls, AfterPbsz }

public delegate void CommandHandler(Session s, string arg);

public sealed record CommandSpec(
    string Name,
    string[] Aliases,
    bool NeedsLogin,
    Arg Arg,
    Perm Perm,
    string Help,
    CommandHandler Run,
    string? Feat = null,
    Sequence Sequence = Sequence.None,
    Func<FtpFork.Common.Config.FtpConfig, bool>? Available = null)
{
    /// <summary>Whether the command exists with this config (the TLS commands need ssl_enable): else 500, not in HELP or FEAT.</summary>
    public bool AvailableWith(FtpFork.Common.Config.FtpConfig c) => Available == null || Available(c);
}
