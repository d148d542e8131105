// `ftpfork who`: the running master's sessions over admin_socket, as a table or as JSON; --kick PID ends one with 421.
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CommandLine;
using FtpFork.Common.Config;
using FtpFork.Common.Text;

namespace FtpFork.Master;

public sealed class WhoOptions
{
    [Option('c', "config", HelpText = "The master's ftpd.conf, for admin_socket (default: /run/ftpfork/admin.sock).")]
    public string? Config { get; set; }

    [Option('o', "option", HelpText = "key=value over the config file, as the master was given them.")]
    public IEnumerable<string> Overrides { get; set; } = Array.Empty<string>();

    [Option("socket", HelpText = "The admin socket itself (instead of reading the config).")]
    public string? Socket { get; set; }

    [Option("json", HelpText = "Print the sessions as JSON (for monitoring).")]
    public bool Json { get; set; }

    [Option("kick", HelpText = "End the session of worker PID (it gets 421).")]
    public int? Kick { get; set; }
}

public static class WhoCommand
{
    public static int Run(WhoOptions o)
    {
        string path;
        try
        {
            path = o.Socket ?? SocketFromConfig(o);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"ftpfork who: {e.Message}");
            return 2;
        }
        string reply;
        try
        {
            reply = Ask(path, o.Kick is int pid ? $"KICK {pid}" : "WHO");
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"ftpfork who: cannot reach the master at {path}: {e.Message}");
            return 1;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(reply);
        }
        catch (JsonException)
        {
            Console.Error.WriteLine($"ftpfork who: not an answer from a master: {LogText.Escape(reply.Length > 200 ? reply[..200] : reply)}");
            return 1;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.TryGetProperty("error", out var err))
            {
                Console.Error.WriteLine($"ftpfork who: {LogText.Escape(err.GetString() ?? "")}");
                return 1;
            }
            if (o.Json || o.Kick != null)
            {
                Console.Out.WriteLine(reply.TrimEnd('\n'));
                return 0;
            }
            Console.Out.Write(Table(root));
            return 0;
        }
    }

    private static string SocketFromConfig(WhoOptions o)
    {
        var c = o.Config != null ? ConfigParser.LoadFile(o.Config, _ => { }, new Dictionary<string, string>()) : FtpConfig.Defaults;
        int i = 0;
        foreach (var s in o.Overrides) c = ConfigParser.ApplySetting(c, s, $"-o #{++i}", _ => { }, new Dictionary<string, string>());
        if (c.AdminSocket == "") throw new ConfigException("admin_socket is empty in that configuration: the master has no admin socket");
        return c.AdminSocket;
    }

    /// <summary>One request line, then everything the master writes until it closes.</summary>
    private static string Ask(string path, string request)
    {
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        s.Connect(new UnixDomainSocketEndPoint(path));
        s.Send(Encoding.ASCII.GetBytes(request + "\n"));
        var ms = new MemoryStream();
        var buf = new byte[65536];
        int n;
        while ((n = s.Receive(buf)) > 0) ms.Write(buf, 0, n);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>One line per session: pid, client, user, state, bytes done/total, rate, idle, login time, TLS, file.</summary>
    public static string Table(JsonElement root)
    {
        var rows = new List<string[]> { new[] { "PID", "CLIENT", "USER", "STATE", "DONE/TOTAL", "RATE", "IDLE", "LOGIN", "TLS", "FILE" } };
        foreach (var s in root.GetProperty("sessions").EnumerateArray())
        {
            string Str(string k) => s.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.String ? LogText.Escape(v.GetString()!) : "";
            long Num(string k) => s.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : -1;
            string login = Str("login_at");
            rows.Add(new[]
            {
                Num("pid").ToString(CultureInfo.InvariantCulture),
                $"{Str("client")}:{Num("port")}",
                Str("user") is var u && u != "" ? u : "-",
                Str("state"),
                $"{Size(Num("bytes_done"))}/{(Num("bytes_total") is var t && t >= 0 ? Size(t) : "?")}",
                Size(Num("rate")) + "/s",
                Num("idle_seconds") + "s",
                login == "" ? "-" : DateTime.Parse(login, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                s.TryGetProperty("tls", out var tls) && tls.ValueKind == JsonValueKind.True ? "yes" : "no",
                Str("file"),
            });
        }
        var widths = new int[rows[0].Length];
        foreach (var r in rows)
            for (int i = 0; i < r.Length; i++) widths[i] = Math.Max(widths[i], r[i].Length);
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            for (int i = 0; i < r.Length - 1; i++) sb.Append(r[i].PadRight(widths[i] + 2));
            sb.Append(r[^1]).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Bytes as 512, 1.5K, 12.0M, 1.0G.</summary>
    public static string Size(long b) => b switch
    {
        < 0 => "?",
        < 1024 => b.ToString(CultureInfo.InvariantCulture),
        < 1 << 20 => (b / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + "K",
        < 1 << 30 => (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + "M",
        _ => (b / 1073741824.0).ToString("0.0", CultureInfo.InvariantCulture) + "G",
    };
}
