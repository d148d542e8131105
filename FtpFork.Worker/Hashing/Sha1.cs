// SHA-1 (FIPS 180-4), for HASH's OPTS HASH SHA-1.
using System.Buffers.Binary;
using System.Numerics;

namespace FtpFork.Worker.Hashing;

public sealed class Sha1 : BlockHash
{
    private readonly uint[] _h = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };

    protected override bool BigEndian => true;

    protected override void Compress(ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[80];
        for (int t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
        for (int t = 16; t < 80; t++) w[t] = BitOperations.RotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        uint a = _h[0], b = _h[1], c = _h[2], d = _h[3], e = _h[4];
        for (int t = 0; t < 80; t++)
        {
            uint f, k;
            if (t < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
            else if (t < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
            else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
            else { f = b ^ c ^ d; k = 0xCA62C1D6; }
            uint temp = BitOperations.RotateLeft(a, 5) + f + e + k + w[t];
            e = d;
            d = c;
            c = BitOperations.RotateLeft(b, 30);
            b = a;
            a = temp;
        }
        _h[0] += a;
        _h[1] += b;
        _h[2] += c;
        _h[3] += d;
        _h[4] += e;
    }

    protected override byte[] Digest()
    {
        var o = new byte[20];
        for (int i = 0; i < 5; i++) BinaryPrimitives.WriteUInt32BigEndian(o.AsSpan(4 * i), _h[i]);
        return o;
    }
}
