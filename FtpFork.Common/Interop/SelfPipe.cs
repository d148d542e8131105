// A pipe that wakes a poll loop from another thread (the signal thread writes one byte per event).
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public sealed class SelfPipe
{
    public int ReadFd { get; }
    private readonly int _writeFd;

    public SelfPipe()
    {
        int r = -1, w = -1;
        Posix.Check("pipe", () => Syscall.pipe(out r, out w));
        Posix.SetCloseOnExec(r);
        Posix.SetCloseOnExec(w);
        ReadFd = r;
        _writeFd = w;
    }

    public void Notify(byte what)
    {
        RawIo.Write(_writeFd, new[] { what });
    }

    /// <summary>Reads whatever bytes are waiting (call only when poll said readable).</summary>
    public byte[] Drain()
    {
        var buf = new byte[256];
        long n = RawIo.Read(ReadFd, buf);
        return n <= 0 ? Array.Empty<byte>() : buf.AsSpan(0, (int)n).ToArray();
    }
}
