// One open data connection: its socket, and under PROT P the TLS connection on it.
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public sealed record DataConn(int Fd, TlsConnection? Tls);
