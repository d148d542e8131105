// ASCII mode (TYPE A) conversions: LF → CRLF on the way out, CRLF → LF on the way in, across chunk borders.
namespace FtpFork.Worker;

public static class Ascii
{
    /// <summary>File → network: a LF not already preceded by CR becomes CRLF.</summary>
    public sealed class ToNetwork
    {
        private bool _prevCr;

        /// <summary>Converts <paramref name="src"/> into <paramref name="dst"/> (at least twice as long); returns the length.</summary>
        public int Convert(ReadOnlySpan<byte> src, Span<byte> dst)
        {
            int o = 0;
            foreach (byte b in src)
            {
                if (b == '\n' && !_prevCr) dst[o++] = (byte)'\r';
                dst[o++] = b;
                _prevCr = b == '\r';
            }
            return o;
        }
    }

    /// <summary>Network → file: CRLF becomes LF; a lone CR stays.</summary>
    public sealed class FromNetwork
    {
        private bool _heldCr;

        /// <summary>Converts <paramref name="src"/> into <paramref name="dst"/> (at least src + 1 long); returns the length.</summary>
        public int Convert(ReadOnlySpan<byte> src, Span<byte> dst)
        {
            int o = 0;
            foreach (byte b in src)
            {
                if (_heldCr && b != '\n') dst[o++] = (byte)'\r';
                _heldCr = b == '\r';
                if (!_heldCr) dst[o++] = b;
            }
            return o;
        }

        /// <summary>At EOF: a CR held back at the very end is written as it was.</summary>
        public int Finish(Span<byte> dst)
        {
            if (!_heldCr) return 0;
            _heldCr = false;
            dst[0] = (byte)'\r';
            return 1;
        }
    }
}
