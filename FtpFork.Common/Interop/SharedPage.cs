// One page of memory shared by the master and a worker: memfd_create, sealed against resizing (no SIGBUS in the master), mmap'd by both.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public sealed unsafe class SharedPage : IDisposable
{
    public const int Size = 4096;
    private IntPtr _base;

    private SharedPage(IntPtr b) => _base = b;

    /// <summary>The mapping; only valid until Dispose.</summary>
    public byte* Base => (byte*)_base;

    /// <summary>
    /// The master's side: a new memfd of one page, sealed so that no one can shrink or grow it
    /// (a worker that shrank it would make the master's next read fault), mapped here. The caller
    /// passes <paramref name="fd"/> to the worker (SCM_RIGHTS) and closes it.
    /// </summary>
    public static SharedPage Create(out int fd)
    {
        int f = (int)Posix.Check("memfd_create", () => Native.memfd_create("ftpfork-stats", Native.MFD_CLOEXEC | Native.MFD_ALLOW_SEALING));
        try
        {
            Posix.Check("ftruncate", () => Syscall.ftruncate(f, Size));
            Posix.Check("fcntl(F_ADD_SEALS)", () => Native.fcntl_int(f, Native.F_ADD_SEALS, Native.F_SEAL_SHRINK | Native.F_SEAL_GROW | Native.F_SEAL_SEAL));
            var page = Map(f);
            fd = f;
            return page;
        }
        catch
        {
            Posix.Close(f);
            throw;
        }
    }

    /// <summary>The worker's side: maps the page the master sent (it must be exactly one page); the caller closes the fd.</summary>
    public static SharedPage Map(int fd)
    {
        Stat st = default;
        Posix.Check("fstat", () => Syscall.fstat(fd, out st));
        if (st.st_size != Size) throw new PosixException("stats page size", Errno.EINVAL);
        IntPtr p = Native.mmap(IntPtr.Zero, Size, Native.PROT_READ | Native.PROT_WRITE, Native.MAP_SHARED, fd, 0);
        if (p == new IntPtr(-1)) throw new PosixException("mmap", Stdlib.GetLastError());
        return new SharedPage(p);
    }

    public void Dispose()
    {
        if (_base == IntPtr.Zero) return;
        Native.munmap(_base, Size);
        _base = IntPtr.Zero;
    }
}
