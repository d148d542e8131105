// A configuration as the master read it: the checked record, the TLS material it names, and the file it came from.
using FtpFork.Common.Config;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

/// <summary><see cref="File"/> is null for the built-in defaults (no --config).</summary>
public sealed record LoadedConfig(FtpConfig Config, TlsMaterial? Tls, string? File);
