// `ftpfork who`'s answer: one JSON document of the master's sessions, from its own records and each session's stats page (read as untrusted).
using System.Text;
using System.Text.Json;
using FtpFork.Common.Text;

namespace FtpFork.Master;

public static class WhoReport
{
    /// <summary>
    /// {"master":{"pid":..,"listening":[..]},"sessions":[{"pid","client","port","user","state",
    /// "file","bytes_done","bytes_total","rate","idle_seconds","connected_at","login_at","tls"}]}:
    /// every worker with a client. What only the worker knows (state, file, bytes, rate, idle,
    /// TLS) comes from its page, bounded and escaped; the rest is the master's.
    /// </summary>
    public static string Json(int masterPid, IEnumerable<string> listening, IEnumerable<WorkerProc> workers)
    {
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms))
        {
            j.WriteStartObject();
            j.WriteStartObject("master");
            j.WriteNumber("pid", masterPid);
            j.WriteStartArray("listening");
            foreach (var l in listening) j.WriteStringValue(l);
            j.WriteEndArray();
            j.WriteEndObject();
            j.WriteStartArray("sessions");
            foreach (var w in workers.Where(w => w.ClientIp != null).OrderBy(w => w.Pid))
            {
                var st = w.Stats?.Read();
                j.WriteStartObject();
                j.WriteNumber("pid", w.Pid);
                j.WriteString("client", w.ClientIp);
                j.WriteNumber("port", w.ClientPort);
                if (w.User != null) j.WriteString("user", LogText.Escape(w.User)); else j.WriteNull("user");
                j.WriteString("state", st?.State ?? "?");
                j.WriteString("file", LogText.Escape(st?.File ?? ""));
                j.WriteNumber("bytes_done", st?.Done ?? 0);
                if (st is { Total: >= 0 } s) j.WriteNumber("bytes_total", s.Total); else j.WriteNull("bytes_total");
                j.WriteNumber("rate", st?.RateBps ?? 0);
                j.WriteNumber("idle_seconds", (st?.IdleMs ?? 0) / 1000);
                j.WriteString("connected_at", w.ConnectedAt.ToString("yyyy-MM-ddTHH:mm:ssZ"));
                if (w.User != null) j.WriteString("login_at", w.LoginAt.ToString("yyyy-MM-ddTHH:mm:ssZ")); else j.WriteNull("login_at");
                j.WriteBoolean("tls", st?.Tls ?? false);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    public static string Error(string why) => "{\"error\":" + JsonSerializerString(why) + "}";

    public static string Kicked(int pid) => "{\"kicked\":" + pid + "}";

    private static string JsonSerializerString(string s)
    {
        using var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms)) j.WriteStringValue(s);
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
