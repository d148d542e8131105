// anon_max_rate / local_max_rate: how long to pause after each chunk so the average stays at the rate.
namespace FtpFork.Worker;

public sealed class RateLimiter
{
    private readonly long _rate;
    private readonly long _start = Environment.TickCount64;
    private long _bytes;

    /// <summary><paramref name="bytesPerSecond"/> 0 means unlimited.</summary>
    public RateLimiter(long bytesPerSecond) => _rate = Math.Max(0, bytesPerSecond);

    /// <summary>The chunk size to use: at most an eighth of a second's worth when throttled, so pauses stay short.</summary>
    public int Chunk(int max) => _rate == 0 ? max : (int)Math.Clamp(_rate / 8, 1, max);

    /// <summary>Counts <paramref name="n"/> bytes moved; returns the milliseconds to pause (0: none).</summary>
    public int Account(long n)
    {
        if (_rate == 0) return 0;
        _bytes += n;
        long due = _bytes * 1000 / _rate;
        long elapsed = Environment.TickCount64 - _start;
        return due > elapsed ? (int)Math.Min(int.MaxValue, due - elapsed) : 0;
    }
}
