// The one error type every native wrapper throws: the call's name and the errno it left.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public sealed class PosixException : Exception
{
    public Errno Errno { get; }
    public string Call { get; }

    /// <summary>The peer is gone (EPIPE, ECONNRESET, ENOTCONN, ETIMEDOUT): a network failure, not ours.</summary>
    public bool IsNetworkGone => Errno is Errno.EPIPE or Errno.ECONNRESET or Errno.ENOTCONN or Errno.ETIMEDOUT;

    /// <summary>EADDRINUSE: the address and port are taken (a bind to try on another port).</summary>
    public bool IsAddressInUse => Errno == Errno.EADDRINUSE;

    /// <summary>No room left (ENOSPC, EDQUOT, EFBIG): 452, not 451.</summary>
    public bool IsDiskFull => Errno is Errno.ENOSPC or Errno.EDQUOT or Errno.EFBIG;

    /// <summary>A "no such file" failure made by the caller (the path did not resolve).</summary>
    public static PosixException NotFound(string call) => new(call, Errno.ENOENT);

    public PosixException(string call, Errno errno)
        : base($"{call}: {Stdlib.strerror(errno)} ({errno})")
    {
        Call = call;
        Errno = errno;
    }
}
