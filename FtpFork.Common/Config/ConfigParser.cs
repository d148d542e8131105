// Parses vsftpd.conf-syntax text into an FtpConfig; every error names file:line and the key.
using System.Globalization;

namespace FtpFork.Common.Config;

public sealed class ConfigException : Exception
{
    public ConfigException(string message) : base(message) { }
}

public static class ConfigParser
{
    /// <summary>
    /// Applies the lines of <paramref name="text"/> over <paramref name="start"/>. Unknown keys and
    /// bad values throw ConfigException("file:line: ..."); vsftpd keys we do not implement are
    /// reported through <paramref name="warn"/>.
    /// </summary>
    public static FtpConfig Apply(FtpConfig start, string text, string fileName, Action<string>? warn = null,
        IDictionary<string, string>? origins = null)
    {
        var c = start;
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            // Concat, not $"": an interpolation with a number rents from ArrayPool, whose first use costs
            // every new worker a per-core cache set-up.
            c = ApplySetting(c, line, fileName + ":" + lineNo.ToString(CultureInfo.InvariantCulture), warn, origins);
        }
        return c;
    }

    /// <summary>
    /// Applies one "key=value" setting; <paramref name="where"/> prefixes any error. With
    /// <paramref name="origins"/>, records where each key was last set (for errors across keys).
    /// </summary>
    public static FtpConfig ApplySetting(FtpConfig c, string setting, string where, Action<string>? warn = null,
        IDictionary<string, string>? origins = null)
    {
        int eq = setting.IndexOf('=');
        if (eq <= 0)
            throw new ConfigException($"{where}: expected key=value, got \"{Clip(setting)}\"");
        string name = setting[..eq].Trim();
        string value = setting[(eq + 1)..];
        if (ConfigTable.NeverOffered.TryGetValue(name, out var protocol))
        {
            if (ParseBool(name, value, where))
                warn?.Invoke($"{where}: warning: {name}: {protocol} is never offered (FtpFork speaks TLS 1.2 and 1.3 only); ignored");
            return c;
        }
        var key = ConfigTable.Find(name);
        if (key == null)
        {
            if (ConfigTable.VsftpdOnly.Contains(name))
            {
                string v = value.Trim();
                bool on = v.Length > 0 && !v.Equals("NO", StringComparison.OrdinalIgnoreCase) &&
                    !v.Equals("FALSE", StringComparison.OrdinalIgnoreCase) && v != "0";
                string what = on && ConfigTable.VsftpdOnlyConsequence.TryGetValue(name, out var c2) ? ": " + c2 : "";
                warn?.Invoke($"{where}: warning: vsftpd key '{name}' is not implemented by FtpFork; ignored{what}");
                return c;
            }
            throw new ConfigException($"{where}: unknown key '{Clip(name)}'");
        }
        var result = key.Set(c, ParseValue(key, value, where));
        if (origins != null) origins[key.Name] = where;
        return result;
    }

    private static bool ParseBool(string name, string value, string where)
    {
        switch (value.Trim().ToUpperInvariant())
        {
            case "YES": case "TRUE": case "1": return true;
            case "NO": case "FALSE": case "0": return false;
        }
        throw new ConfigException($"{where}: {name}: expected YES or NO, got \"{Clip(value)}\"");
    }

    private static object ParseValue(ConfigKey key, string value, string where)
    {
        switch (key.Kind)
        {
            case KeyKind.Bool:
                return ParseBool(key.Name, value, where);
            case KeyKind.Int:
            case KeyKind.Octal:
                {
                    string v = value.Trim();
                    bool octal = key.Kind == KeyKind.Octal || (v.Length > 1 && v[0] == '0');
                    try
                    {
                        if (v.Length == 0 || v.AsSpan().ContainsAnyExceptInRange('0', '9')) throw new FormatException();
                        long n = octal ? Convert.ToInt64(v, 8) : long.Parse(v, CultureInfo.InvariantCulture);
                        if (n > int.MaxValue) throw new OverflowException();
                        if (ConfigTable.Ranges.TryGetValue(key.Name, out var r) && (n < r.Min || n > r.Max))
                            throw new ConfigException($"{where}: {key.Name}: {n} is out of range ({r.Min}-{r.Max})");
                        return (int)n;
                    }
                    catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                    {
                        throw new ConfigException($"{where}: {key.Name}: expected a{(octal ? "n octal" : "")} non-negative number, got \"{Clip(value)}\"");
                    }
                }
            default:
                if (value.Contains('\0'))
                    throw new ConfigException($"{where}: {key.Name}: NUL byte in value");
                return value;
        }
    }

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "..." : s;

    /// <summary>Reads a config file over the defaults; a missing file is an error naming it.</summary>
    public static FtpConfig LoadFile(string path, Action<string>? warn = null, IDictionary<string, string>? origins = null)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read: {e.Message}");
        }
        return Apply(FtpConfig.Defaults, text, path, warn, origins);
    }
}
