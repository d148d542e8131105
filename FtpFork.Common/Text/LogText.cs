// The one escaping of log fields and process titles: no name, user or command a client chose can forge a line or drive a terminal.
using System.Text;

namespace FtpFork.Common.Text;

public static class LogText
{
    /// <summary>
    /// <paramref name="field"/> with every control character (C0, DEL, C1) as \xHH (ESC → "\x1b",
    /// CR → "\x0d", LF → "\x0a") and the line, paragraph and bidirectional-override characters as
    /// \uHHHH; everything else as it is (a backslash too, so escaping twice changes nothing more).
    /// Use it for every field a log line or a title takes from a client or a disk; the log sinks
    /// also pass whole lines through it, so nothing unescaped reaches them.
    /// </summary>
    public static string Escape(string field)
    {
        int i = 0;
        while (i < field.Length && !Special(field[i])) i++;
        if (i == field.Length) return field; // the usual case: no copy
        var sb = new StringBuilder(field.Length + 16);
        sb.Append(field, 0, i);
        for (; i < field.Length; i++)
        {
            char c = field[i];
            if (!Special(c))
            {
                sb.Append(c);
                continue;
            }
            if (c <= 0xFF) sb.Append("\\x").Append(Hex(c >> 4)).Append(Hex(c & 0xF));
            else sb.Append("\\u").Append(Hex(c >> 12)).Append(Hex((c >> 8) & 0xF)).Append(Hex((c >> 4) & 0xF)).Append(Hex(c & 0xF));
        }
        return sb.ToString();
    }

    /// <summary>C0 controls, DEL, C1 controls; U+2028/U+2029; the bidi embeddings, overrides and isolates.</summary>
    private static bool Special(char c) =>
        c < 0x20 || (c >= 0x7F && c <= 0x9F) || c is '\u2028' or '\u2029' or '\u200E' or '\u200F'
        || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

    private static char Hex(int n) => (char)(n < 10 ? '0' + n : 'a' + n - 10);
}
