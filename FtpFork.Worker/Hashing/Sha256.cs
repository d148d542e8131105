// SHA-256 (FIPS 180-4), HASH's default algorithm.
using System.Buffers.Binary;
using System.Numerics;

namespace FtpFork.Worker.Hashing;

public sealed class Sha256 : BlockHash
{
    private static readonly int[] Primes = FirstPrimes(64);

    // FIPS 180-4: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static readonly uint[] K = Roots(64, Math.Cbrt);

    // ... and of the square roots of the first 8 primes, for the initial state.
    private readonly uint[] _h = Roots(8, Math.Sqrt);

    private static uint[] Roots(int n, Func<double, double> root)
    {
        var r = new uint[n];
        for (int i = 0; i < n; i++) r[i] = Fraction(root(Primes[i]));
        return r;
    }

    protected override bool BigEndian => true;

    private static uint Fraction(double x) => (uint)(long)Math.Floor((x - Math.Floor(x)) * 4294967296.0);

    private static int[] FirstPrimes(int n)
    {
        var found = new List<int>();
        for (int c = 2; found.Count < n; c++)
        {
            bool prime = true;
            foreach (int p in found) prime &= c % p != 0;
            if (prime) found.Add(c);
        }
        return found.ToArray();
    }

    protected override void Compress(ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (int t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
        for (int t = 16; t < 64; t++)
        {
            uint s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint a = _h[0], b = _h[1], c = _h[2], d = _h[3], e = _h[4], f = _h[5], g = _h[6], h = _h[7];
        for (int t = 0; t < 64; t++)
        {
            uint t1 = h + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25))
                + ((e & f) ^ (~e & g)) + K[t] + w[t];
            uint t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22))
                + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        _h[0] += a;
        _h[1] += b;
        _h[2] += c;
        _h[3] += d;
        _h[4] += e;
        _h[5] += f;
        _h[6] += g;
        _h[7] += h;
    }

    protected override byte[] Digest()
    {
        var o = new byte[32];
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32BigEndian(o.AsSpan(4 * i), _h[i]);
        return o;
    }
}
