// Random numbers straight from the kernel (getrandom), with no state in the process: forked siblings cannot share a seed.
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

/// <summary>
/// A generator seeded in the process (Random.Shared: a per-thread state made at first use) is
/// copied by fork: two workers forked from an image that had used it would draw the same numbers,
/// so one client could predict the PASV port of the next. getrandom(2) keeps no state here.
/// </summary>
public static unsafe class Entropy
{
    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="max"/>] (inclusive).</summary>
    public static int Between(int min, int max)
    {
        if (max < min) throw new ArgumentOutOfRangeException(nameof(max));
        uint range = (uint)(max - min) + 1;
        // Rejection sampling: values past the largest multiple of range would favour the low ones.
        uint limit = range == 0 ? 0 : uint.MaxValue - uint.MaxValue % range;
        while (true)
        {
            uint v;
            long n = Posix.Check("getrandom", (nint)(&v), &GetRandom);
            if (n != 4) continue;
            if (range == 0) return (int)v;
            if (v < limit) return min + (int)(v % range);
        }
    }

    private static long GetRandom(nint into) => Native.getrandom((void*)into, 4, 0);
}
