// MD5 (RFC 1321), for HASH's OPTS HASH MD5: integrity against transfer errors, as clients ask for it.
using System.Buffers.Binary;
using System.Numerics;

namespace FtpFork.Worker.Hashing;

public sealed class Md5 : BlockHash
{
    private static readonly int[] Shift =
    {
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    };

    // K[i] = floor(|sin(i + 1)| × 2^32), as RFC 1321 defines its table.
    private static readonly uint[] K = Table();

    private static uint[] Table()
    {
        var k = new uint[64];
        for (int i = 0; i < 64; i++) k[i] = (uint)(long)Math.Floor(Math.Abs(Math.Sin(i + 1)) * 4294967296.0);
        return k;
    }

    private uint _a = 0x67452301, _b = 0xefcdab89, _c = 0x98badcfe, _d = 0x10325476;

    protected override bool BigEndian => false;

    protected override void Compress(ReadOnlySpan<byte> block)
    {
        Span<uint> m = stackalloc uint[16];
        for (int i = 0; i < 16; i++) m[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(4 * i)..]);
        uint a = _a, b = _b, c = _c, d = _d;
        for (int i = 0; i < 64; i++)
        {
            uint f;
            int g;
            if (i < 16) { f = (b & c) | (~b & d); g = i; }
            else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
            else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
            else { f = c ^ (b | ~d); g = (7 * i) & 15; }
            f += a + K[i] + m[g];
            a = d;
            d = c;
            c = b;
            b += BitOperations.RotateLeft(f, Shift[i]);
        }
        _a += a;
        _b += b;
        _c += c;
        _d += d;
    }

    protected override byte[] Digest()
    {
        var o = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(o, _a);
        BinaryPrimitives.WriteUInt32LittleEndian(o.AsSpan(4), _b);
        BinaryPrimitives.WriteUInt32LittleEndian(o.AsSpan(8), _c);
        BinaryPrimitives.WriteUInt32LittleEndian(o.AsSpan(12), _d);
        return o;
    }
}
