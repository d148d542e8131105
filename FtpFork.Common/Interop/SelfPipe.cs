// A pipe that wakes a poll loop from another thread (the signal thread writes one byte per event).

namespace FtpFork.Common.Interop;

public sealed class SelfPipe
{
    public int ReadFd { get; }
    private readonly int _writeFd;

    public SelfPipe()
    {
        (ReadFd, _writeFd) = Posix.Pipe();
    }

    public void Notify(byte what)
    {
        FdIo.Write(_writeFd, new[] { what });
    }

    /// <summary>Reads whatever bytes are waiting (call only when poll said readable).</summary>
    public byte[] Drain()
    {
        var buf = new byte[256];
        long n = FdIo.Read(ReadFd, buf);
        return n <= 0 ? Array.Empty<byte>() : buf.AsSpan(0, (int)n).ToArray();
    }
}
