// vsftpd's two SIGALRM timeouts: the idle alarm (before each command) and the data alarm (while a transfer moves bytes).
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public enum AlarmVerdict { Ignore, IdleTimeout, DataTimeout }

public sealed class Timeouts
{
    private const int Off = 0, Idle = 1, Data = 2;
    private readonly uint _idle;
    private readonly uint _data;
    private volatile int _mode;
    private volatile bool _progress;

    public Timeouts(int idleSeconds, int dataSeconds)
    {
        _idle = (uint)Math.Max(0, idleSeconds);
        _data = (uint)Math.Max(0, dataSeconds);
    }

    /// <summary>start_cmdio_alarm: armed again before every command is read.</summary>
    public void StartIdle()
    {
        _mode = _idle > 0 ? Idle : Off;
        Posix.Alarm(_idle);
    }

    /// <summary>start_data_alarm: a transfer is never cut by the idle timeout, only by a stall.</summary>
    public void StartData()
    {
        _progress = false;
        _mode = _data > 0 ? Data : Off;
        Posix.Alarm(_data);
    }

    /// <summary>Called for every chunk moved on the data connection.</summary>
    public void Progress() => _progress = true;

    public void Stop()
    {
        _mode = Off;
        Posix.Alarm(0);
    }

    /// <summary>On the signal thread, for each SIGALRM: what it means now.</summary>
    public AlarmVerdict OnAlarm()
    {
        switch (_mode)
        {
            case Idle:
                return AlarmVerdict.IdleTimeout;
            case Data:
                if (!_progress) return AlarmVerdict.DataTimeout;
                _progress = false; // progress since the last alarm: clear the flag and re-arm
                Posix.Alarm(_data);
                return AlarmVerdict.Ignore;
            default:
                return AlarmVerdict.Ignore;
        }
    }
}
