// Uploads without a copy through user memory: socket → pipe → file with splice(2) (Linux; Mono.Posix has no splice).
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public sealed unsafe class SplicePipe : IDisposable
{
    private const int FSetPipeSize = 1031, FGetPipeSize = 1032, SpliceMove = 1, SpliceNonBlock = 2;
    private readonly int _read, _write;

    /// <summary>How many bytes one <see cref="FromSocket"/> can move: the pipe's capacity.</summary>
    public int Capacity { get; }

    private SplicePipe(int read, int write, int capacity)
    {
        _read = read;
        _write = write;
        Capacity = capacity;
    }

    /// <summary>
    /// A close-on-exec pipe grown towards <paramref name="size"/> bytes; it keeps the kernel's
    /// default size when the user's pipe quota refuses more (many uploads at once).
    /// </summary>
    public static SplicePipe Open(int size)
    {
        var (r, w) = Posix.Pipe();
        // F_SETPIPE_SZ fails (EPERM) once the user's pipes pass pipe-user-pages-soft: keep what we got.
        int capacity = Native.fcntl(w, FSetPipeSize, size);
        if (capacity <= 0) capacity = Native.fcntl(w, FGetPipeSize, 0);
        return new SplicePipe(r, w, Math.Max(capacity, 4096));
    }

    /// <summary>Moves up to <paramref name="max"/> bytes from a non-blocking socket into the (empty) pipe: the count, 0 at EOF, -1 when nothing is waiting.</summary>
    public long FromSocket(int socket, int max)
    {
        nuint len = (nuint)Math.Min(max, Capacity);
        return Posix.CheckOrAgain("splice(socket)", () => Native.splice(socket, null, _write, null, len, SpliceMove | SpliceNonBlock));
    }

    /// <summary>
    /// Moves the <paramref name="count"/> bytes in the pipe to the file at its offset. Returns how many
    /// it moved: fewer only when the file's file system cannot take splice (EINVAL), with the rest still
    /// in the pipe for <see cref="Drain"/>.
    /// </summary>
    public long ToFile(int file, long count)
    {
        long done = 0;
        while (done < count)
        {
            nuint len = (nuint)(count - done);
            long r = Posix.Retrying(() => Native.splice(_read, null, file, null, len, SpliceMove), out Errno e);
            if (r > 0)
            {
                done += r;
                continue;
            }
            if (r == 0) e = Errno.EIO;
            if (e == Errno.EINVAL) return done;
            throw new PosixException("splice(file)", e);
        }
        return done;
    }

    /// <summary>Reads what is left in the pipe into <paramref name="buf"/> (after a short <see cref="ToFile"/>).</summary>
    public long Drain(Span<byte> buf) => FdIo.Read(_read, buf);

    public void Dispose()
    {
        Posix.Close(_read);
        Posix.Close(_write);
    }
}
