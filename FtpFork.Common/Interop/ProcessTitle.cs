// Rewrites this process's argv area so ps and /proc/PID/cmdline show a title, as vsftpd does.
using System.Text;
using FtpFork.Common.Text;

namespace FtpFork.Common.Interop;

public static unsafe class ProcessTitle
{
    private static byte* _start;
    private static int _length;
    private static string _prefix = "ftpfork";

    /// <summary>Finds the argv area from /proc/self/stat (fields 48/49). Call before any chroot.</summary>
    public static void Init(string prefix)
    {
        _prefix = prefix;
        try
        {
            string stat = ReadSmallFile("/proc/self/stat");
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // f[0] is field 3 (state); arg_start is field 48, arg_end field 49.
            ulong start = ulong.Parse(f[48 - 3]), end = ulong.Parse(f[49 - 3]);
            if (end > start && end - start < 1 << 16)
            {
                _start = (byte*)start;
                _length = (int)(end - start);
            }
        }
        catch (Exception e) when (e is IOException or PosixException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            _length = 0; // no /proc: titles are simply not shown
        }
    }

    /// <summary>A /proc file read with one open and plain reads (no FileStream set-up in every new worker).</summary>
    internal static string ReadSmallFile(string path)
    {
        int fd = Mono.Unix.Native.Syscall.open(path, Mono.Unix.Native.OpenFlags.O_RDONLY | Mono.Unix.Native.OpenFlags.O_CLOEXEC);
        if (fd < 0) throw new IOException($"open {path}: {Mono.Unix.Native.Stdlib.GetLastError()}");
        try
        {
            return Encoding.ASCII.GetString(FdIo.ReadUpTo(fd, 2048));
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>Sets the title to "prefix: text" (control characters escaped: ps output is a terminal's), cut to the room the argv area has.</summary>
    public static void Set(string text)
    {
        if (_length == 0) return;
        byte[] b = Encoding.UTF8.GetBytes($"{_prefix}: {LogText.Escape(text)}");
        int n = Math.Min(b.Length, _length - 1);
        new Span<byte>(_start, _length).Clear();
        b.AsSpan(0, n).CopyTo(new Span<byte>(_start, n));
    }
}
