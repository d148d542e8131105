// The worker's log: one line per event written straight to fd 2 (no System.Console: its set-up costs a thread and a terminal probe).
using System.Text;
using FtpFork.Common.Interop;
using FtpFork.Common.Text;

namespace FtpFork.Worker;

public static class WorkerLog
{
    public static void Write(string line)
    {
        // string.Concat, not $"": an interpolation with a number rents from ArrayPool, whose first use
        // costs every new worker a per-core cache set-up.
        byte[] b = Encoding.UTF8.GetBytes(string.Concat(LocalClock.Stamp(), " ftpfork-worker[",
            Posix.GetPid().ToString(System.Globalization.CultureInfo.InvariantCulture), "]: ", LogText.Escape(line), "\n")); // the net under every field's own escape
        try
        {
            FdIo.Write(2, b); // one write(2) per line: lines of concurrent workers do not interleave
        }
        catch (PosixException)
        {
            // stderr closed or full: logging must never end a session
        }
    }
}
