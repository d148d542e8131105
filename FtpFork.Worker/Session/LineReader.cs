// Splits the control connection's bytes into command lines: CRLF or LF, 4 KiB cap, Telnet IAC stripped.
using System.Text;

namespace FtpFork.Worker;

public enum LineStatus { Ok, TooLong, HasNul, BadUtf8, Eof }

public readonly record struct CommandLine(LineStatus Status, string Text);

public sealed class LineReader
{
    public const int MaxLine = 4096;
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private readonly Func<byte[], int, int, int> _read;
    private readonly byte[] _buf = new byte[8192];
    private int _start, _end;
    private bool _eof;

    /// <summary><paramref name="read"/>(buffer, offset, count) returns bytes read, 0 at EOF.</summary>
    public LineReader(Func<byte[], int, int, int> read) => _read = read;

    /// <summary>True when a complete line is already buffered (no read needed).</summary>
    public bool HasBufferedLine => Array.IndexOf(_buf, (byte)'\n', _start, _end - _start) >= 0;

    /// <summary>A copy of the bytes read from the client but not yet returned as lines.</summary>
    public byte[] Buffered() => _buf.AsSpan(_start, _end - _start).ToArray();

    /// <summary>Drops the bytes read and not yet returned as lines (sent in clear after AUTH: never read as if they came over TLS); returns how many.</summary>
    public int Discard()
    {
        int n = _end - _start;
        _start = _end = 0;
        return n;
    }

    /// <summary>Puts bytes another process had read (and not processed) ahead of anything still to come.</summary>
    public void Prepend(byte[] bytes)
    {
        if (_end - _start + bytes.Length > _buf.Length) throw new ArgumentException("more pending bytes than the buffer holds");
        Buffer.BlockCopy(_buf, _start, _buf, bytes.Length, _end - _start);
        _end = _end - _start + bytes.Length;
        _start = 0;
        bytes.CopyTo(_buf, 0);
    }

    /// <summary>
    /// One read into the buffer, for a caller that polled the socket readable (a transfer watching
    /// for ABOR). False at EOF or when the buffer is full without a line (ReadLine will deal with it).
    /// </summary>
    public bool FillOnce()
    {
        if (_eof) return false;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buf.Length) return false;
        int n = _read(_buf, _end, _buf.Length - _end);
        if (n <= 0)
        {
            _eof = true;
            return false;
        }
        _end += n;
        return true;
    }

    /// <summary>
    /// Removes the first whole buffered line that <paramref name="match"/> accepts, wherever it
    /// stands (ABOR behind another command during a transfer); the other lines stay, in order.
    /// </summary>
    public bool TakeLine(Func<CommandLine, bool> match)
    {
        int ls = _start;
        while (ls < _end)
        {
            int nl = Array.IndexOf(_buf, (byte)'\n', ls, _end - ls);
            if (nl < 0) return false;
            if (nl - ls <= MaxLine && match(Decode(_buf.AsSpan(ls, nl - ls))))
            {
                Buffer.BlockCopy(_buf, nl + 1, _buf, ls, _end - (nl + 1));
                _end -= nl + 1 - ls;
                return true;
            }
            ls = nl + 1;
        }
        return false;
    }

    public CommandLine ReadLine()
    {
        bool discarding = false;
        while (true)
        {
            int nl = Array.IndexOf(_buf, (byte)'\n', _start, _end - _start);
            if (nl >= 0)
            {
                int s = _start;
                _start = nl + 1;
                if (discarding || nl - s > MaxLine) return new CommandLine(LineStatus.TooLong, "");
                return Decode(_buf.AsSpan(s, nl - s));
            }
            if (_end - _start >= MaxLine)
            {
                discarding = true; // over-long line: drop what we have, keep reading to its end
                _start = _end = 0;
            }
            if (_eof) return new CommandLine(LineStatus.Eof, "");
            if (_start > 0)
            {
                Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            int n = _read(_buf, _end, _buf.Length - _end);
            if (n <= 0)
            {
                _eof = true;
                continue;
            }
            _end += n;
        }
    }

    private const byte Iac = 0xFF, Will = 0xFB, Dont = 0xFE, Sb = 0xFA, Se = 0xF0;

    /// <summary>The index of the SE closing a subnegotiation that starts at <paramref name="from"/> (the line's last byte when none does).</summary>
    private static int SubnegotiationEnd(ReadOnlySpan<byte> raw, int from)
    {
        for (int j = from; j + 1 < raw.Length; j++)
        {
            if (raw[j] != Iac) continue;
            if (raw[j + 1] == Se) return j + 1;
            j++; // IAC IAC inside: a data byte
        }
        return raw.Length - 1;
    }

    private static CommandLine Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.Length > 0 && raw[^1] == '\r') raw = raw[..^1];
        var clean = new List<byte>(raw.Length);
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (b == Iac)
            {
                // Telnet IAC: IAC IAC is a literal 0xFF; IAC + command (IP, DM, ...) is dropped, and so
                // is option negotiation (WILL/WONT/DO/DONT + option byte, SB ... IAC SE); an IAC whose
                // command byte went out of band (urgent DM) is dropped alone.
                byte cmd = i + 1 < raw.Length ? raw[i + 1] : (byte)0;
                if (cmd == Iac) clean.Add(Iac);
                if (cmd is >= Will and <= Dont) i += 2; // the option byte too (a line that ends first drops what is there)
                else if (cmd == Sb) i = SubnegotiationEnd(raw, i + 2);
                else if (cmd >= 0xF0) i++;
                continue;
            }
            if (b == 0xF2 && clean.Count == 0) continue; // a lone DM from urgent data before ABOR
            if (b == 0) return new CommandLine(LineStatus.HasNul, "");
            clean.Add(b);
        }
        try
        {
            return new CommandLine(LineStatus.Ok, StrictUtf8.GetString(clean.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            return new CommandLine(LineStatus.BadUtf8, "");
        }
    }
}
