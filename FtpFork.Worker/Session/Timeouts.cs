// vsftpd's two SIGALRM timeouts: the idle alarm (before each command) and the data alarm (while a transfer moves bytes).
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public enum AlarmVerdict { Ignore, IdleTimeout, DataTimeout }

/// <summary>
/// The data alarm cuts a transfer data_connection_timeout after the last byte moved, within a
/// second: a byte moves when the pump reads one (uploads), hashes one (HASH), or when the
/// client's kernel acknowledges one (downloads: tcpi_bytes_acked, sampled at each alarm, since a
/// write into a 4 MB send queue returns long after the client started taking bytes again). An
/// alarm that finds the stall shorter than the timeout re-arms alarm() for the time left.
/// </summary>
public sealed class Timeouts
{
    private const int Off = 0, Idle = 1, Data = 2;
    /// <summary>A stall this close to the timeout when an alarm comes counts as the whole timeout (alarm() has whole seconds).</summary>
    private const long SlackMs = 50;
    private readonly uint _idle;
    private readonly uint _data;
    private readonly object _gate = new();
    private volatile int _mode;
    private long _lastMove; // Environment.TickCount64 of the last byte known to have moved
    private long _idleSince; // Environment.TickCount64 when the idle alarm was armed
    private Func<long>? _delivered; // downloads: the kernel's count of bytes the client took
    private long _deliveredSeen;

    public Timeouts(int idleSeconds, int dataSeconds)
    {
        _idle = (uint)Math.Max(0, idleSeconds);
        _data = (uint)Math.Max(0, dataSeconds);
    }

    /// <summary>start_cmdio_alarm: armed again before every command is read.</summary>
    public void StartIdle()
    {
        lock (_gate)
        {
            Volatile.Write(ref _idleSince, Environment.TickCount64);
            _mode = _idle > 0 ? Idle : Off;
            Posix.Alarm(_idle);
        }
    }

    /// <summary>
    /// start_data_alarm: a transfer (or a wait for a lock, or a HASH) is never cut by the idle
    /// timeout, only by a stall. <paramref name="delivered"/>, for downloads, reads how many bytes
    /// the client has taken so far (a count that only grows); it runs on the signal thread, sampled
    /// every second so the last byte is known to within one.
    /// </summary>
    public void StartData(Func<long>? delivered = null)
    {
        lock (_gate)
        {
            _delivered = delivered;
            _deliveredSeen = Sample(delivered, 0);
            Volatile.Write(ref _lastMove, Environment.TickCount64);
            _mode = _data > 0 ? Data : Off;
            Posix.Alarm(_data == 0 ? 0 : delivered != null ? 1 : _data);
        }
    }

    /// <summary>Called for every chunk moved (read from the client, hashed, or written for it).</summary>
    public void Progress() => Volatile.Write(ref _lastMove, Environment.TickCount64);

    /// <summary>The alarm off; after it the download's sampler is never called again (its socket may close).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _mode = Off;
            _delivered = null;
            Posix.Alarm(0);
        }
    }

    /// <summary>On the signal thread, for each SIGALRM: what it means now.</summary>
    public AlarmVerdict OnAlarm()
    {
        switch (_mode)
        {
            case Idle:
                return OnIdleAlarm();
            case Data:
                return OnDataAlarm();
            default:
                return AlarmVerdict.Ignore;
        }
    }

    /// <summary>
    /// The signal thread may act on a SIGALRM late: one the data alarm raised just before its
    /// Stop is then seen after StartIdle. It counts only once the idle time has really passed.
    /// </summary>
    private AlarmVerdict OnIdleAlarm()
    {
        lock (_gate)
        {
            if (_mode != Idle) return AlarmVerdict.Ignore;
            long left = _idle * 1000L - (Environment.TickCount64 - Volatile.Read(ref _idleSince));
            if (left <= SlackMs) return AlarmVerdict.IdleTimeout;
            Posix.Alarm((uint)((left + 999) / 1000));
            return AlarmVerdict.Ignore;
        }
    }

    private AlarmVerdict OnDataAlarm()
    {
        lock (_gate)
        {
            if (_mode != Data) return AlarmVerdict.Ignore; // stopped meanwhile
            long now = Environment.TickCount64;
            if (_delivered != null)
            {
                long seen = Sample(_delivered, _deliveredSeen);
                if (seen != _deliveredSeen)
                {
                    _deliveredSeen = seen;
                    Volatile.Write(ref _lastMove, now); // moved within the last second
                }
            }
            long left = _data * 1000L - (now - Volatile.Read(ref _lastMove));
            if (left <= SlackMs) return AlarmVerdict.DataTimeout;
            uint seconds = (uint)((left + 999) / 1000);
            Posix.Alarm(_delivered != null ? Math.Min(1u, seconds) : seconds);
            return AlarmVerdict.Ignore;
        }
    }

    private static long Sample(Func<long>? delivered, long previous)
    {
        if (delivered == null) return previous;
        try
        {
            return delivered();
        }
        catch (PosixException)
        {
            return previous; // the socket is in error: no progress; the pump will see it too
        }
    }
}
