// The master's log: one timestamped line per event on stderr.
using FtpFork.Common.Text;

namespace FtpFork.Master;

public static class Log
{
    public static void Write(string line) =>
        Console.Error.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm:ss} ftpfork[{Environment.ProcessId}]: {LogText.Escape(line)}"); // the net under every field's own escape
}
