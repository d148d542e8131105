// The worker's log: notes and activity records go to the master over the channel (it escapes, formats and writes them); a worker holds no log file.
using System.Text;
using FtpFork.Common.Interop;
using FtpFork.Common.Text;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public static class WorkerLog
{
    // Set once a send found the master gone: nothing is written anywhere after that.
    private static volatile bool _masterGone;

    /// <summary>A diagnostic line for the master's log ("worker PID: line"); on stderr only when fd 3 is no channel at all.</summary>
    public static void Write(string line)
    {
        if (Send(new ActivityRecord(LogKind.Note, true, 0, 0, false, line)) is false && !_masterGone)
        {
            // No master to tell (started by hand, fd 3 not a socket): stderr, one write(2) per line.
            // string.Concat, not $"": an interpolation with a number rents from ArrayPool.
            byte[] b = Encoding.UTF8.GetBytes(string.Concat(LocalClock.Stamp(), " ftpfork-worker[",
                Posix.GetPid().ToString(System.Globalization.CultureInfo.InvariantCulture), "]: ", LogText.Escape(line), "\n"));
            try
            {
                FdIo.Write(2, b);
            }
            catch (PosixException) { /* logging must never end a session */ }
        }
    }

    /// <summary>An activity record (a transfer, a file change, a protocol line) for the master to log.</summary>
    public static void Record(ActivityRecord r) => Send(r);

    /// <summary>True when sent; false when the channel is unusable. Blocks as vsftpd's write to its log does.</summary>
    private static bool Send(ActivityRecord r)
    {
        if (_masterGone) return true;
        try
        {
            Channel.Send(Channel.WorkerFd, MessageType.Log, r.Format());
            return true;
        }
        catch (PosixException e) when (e.IsNetworkGone)
        {
            _masterGone = true; // the session goes on without a log, as after a SIGKILLed master
            return true;
        }
        catch (PosixException)
        {
            return false;
        }
    }
}
