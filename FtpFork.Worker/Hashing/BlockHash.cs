// The Merkle–Damgård frame MD5, SHA-1 and SHA-256 share: 64-byte blocks, 0x80 padding, the bit length last.
namespace FtpFork.Worker.Hashing;

/// <summary>
/// A hash computed in managed code: HASH runs inside the worker's chroot, where the runtime's
/// OpenSSL-backed System.Security.Cryptography cannot load its libraries (and loading them
/// before the chroot would cost every worker's start for a command few clients send).
/// </summary>
public abstract class BlockHash
{
    private readonly byte[] _block = new byte[64];
    private int _filled;
    private long _length;

    /// <summary>MD5 writes the bit length little-endian, the SHA family big-endian.</summary>
    protected abstract bool BigEndian { get; }

    /// <summary>One 64-byte block into the state.</summary>
    protected abstract void Compress(ReadOnlySpan<byte> block);

    /// <summary>The state as the digest's bytes.</summary>
    protected abstract byte[] Digest();

    public void Append(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        if (_filled > 0)
        {
            int take = Math.Min(64 - _filled, data.Length);
            data[..take].CopyTo(_block.AsSpan(_filled));
            _filled += take;
            data = data[take..];
            if (_filled < 64) return;
            Compress(_block);
            _filled = 0;
        }
        for (; data.Length >= 64; data = data[64..]) Compress(data[..64]);
        data.CopyTo(_block);
        _filled = data.Length;
    }

    /// <summary>Pads, compresses the last block(s) and returns the digest (the object is spent).</summary>
    public byte[] Finish()
    {
        long bits = _length * 8;
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        _block.AsSpan(0, _filled).CopyTo(tail);
        tail[_filled] = 0x80;
        int total = _filled + 9 <= 64 ? 64 : 128;
        var len = tail.Slice(total - 8, 8);
        if (BigEndian) System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(len, bits);
        else System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(len, bits);
        Compress(tail[..64]);
        if (total == 128) Compress(tail[64..128]);
        return Digest();
    }

    /// <summary>By IANA hash name: "SHA-256", "SHA-1", "MD5".</summary>
    public static BlockHash Create(string name) => name switch
    {
        "SHA-1" => new Sha1(),
        "MD5" => new Md5(),
        _ => new Sha256(),
    };
}
