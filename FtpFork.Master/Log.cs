// The master's log: one timestamped line per event on stderr.
namespace FtpFork.Master;

public static class Log
{
    public static void Write(string line) =>
        Console.Error.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm:ss} ftpfork[{Environment.ProcessId}]: {line}");
}
