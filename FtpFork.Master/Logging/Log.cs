// The master's own log: one timestamped line per event on stderr, every line escaped (nothing a client named can forge one).
using FtpFork.Common.Text;

namespace FtpFork.Master;

public static class Log
{
    public static void Write(string line) =>
        Console.Error.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm:ss} ftpfork[{Environment.ProcessId}]: {LogText.Escape(line)}");
}
