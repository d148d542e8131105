// The one error type every native wrapper throws: the call's name and the errno it left.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public sealed class PosixException : Exception
{
    public Errno Errno { get; }
    public string Call { get; }

    public PosixException(string call, Errno errno)
        : base($"{call}: {Stdlib.strerror(errno)} ({errno})")
    {
        Call = call;
        Errno = errno;
    }
}
