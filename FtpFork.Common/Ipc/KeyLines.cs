// The body of PRELOGIN and SESSION messages: "key=value" lines, every key once, in a fixed order, parsed strictly.
namespace FtpFork.Common.Ipc;

public static class KeyLines
{
    /// <summary>"key=value" lines for <paramref name="values"/>, one per key, in the keys' order.</summary>
    public static string Format(string[] keys, string[] values)
    {
        if (keys.Length != values.Length) throw new ArgumentException("one value per key");
        var lines = new string[keys.Length];
        for (int i = 0; i < keys.Length; i++) lines[i] = keys[i] + "=" + values[i];
        return string.Join("\n", lines);
    }

    /// <summary>The values, in the keys' order; anything else (a line missing, extra, or out of order) throws.</summary>
    public static string[] Parse(string body, string[] keys, string message)
    {
        string[] lines = body.Split('\n');
        if (lines.Length != keys.Length) throw new FormatException($"{message}: {lines.Length} lines, expected {keys.Length}");
        var v = new string[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            if (!lines[i].StartsWith(keys[i] + "=", StringComparison.Ordinal)) throw new FormatException($"{message}: expected {keys[i]}=");
            v[i] = lines[i][(keys[i].Length + 1)..];
        }
        return v;
    }

    public static string Flag(bool b) => b ? "1" : "0";

    public static bool Flag(string s, string message) =>
        s switch { "1" => true, "0" => false, _ => throw new FormatException($"{message}: bad flag") };
}
