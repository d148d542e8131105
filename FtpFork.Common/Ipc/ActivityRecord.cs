// LOG, worker → master: one thing a session did (a transfer, a file change, a protocol line, a note), for the master to log.
using System.Globalization;

namespace FtpFork.Common.Ipc;

/// <summary>What a record tells; the names are vsftpd's log words (kVSFLogEntry...).</summary>
public enum LogKind { Download, Upload, Mkdir, Rmdir, Delete, Rename, Chmod, Command, Response, Note }

/// <summary>
/// One record. <see cref="Text"/> is the path (DOWNLOAD ... CHMOD: as vsftpd logs it), the protocol
/// line (Command/Response) or a diagnostic (Note). The worker says only what it did: who, from where
/// and when are the master's own knowledge (its record of the session), never taken from here.
/// </summary>
public sealed record ActivityRecord(LogKind What, bool Ok, long Bytes, long Micros, bool Ascii, string Text)
{
    /// <summary>Longest text accepted (a 4096-byte path twice for RENAME, with room).</summary>
    public const int MaxText = 10_000;

    private static readonly string[] Names = { "DOWNLOAD", "UPLOAD", "MKDIR", "RMDIR", "DELETE", "RENAME", "CHMOD", "COMMAND", "RESPONSE", "NOTE" };

    public bool IsTransfer => What is LogKind.Download or LogKind.Upload;

    /// <summary>"what=..\nok=..\nbytes=..\nusec=..\nascii=..\ntext=..." (text last: it may hold anything but is bounded).</summary>
    public string Format() => string.Concat(
        "what=", Names[(int)What], "\nok=", Ok ? "1" : "0",
        "\nbytes=", Bytes.ToString(CultureInfo.InvariantCulture), "\nusec=", Micros.ToString(CultureInfo.InvariantCulture),
        "\nascii=", Ascii ? "1" : "0", "\ntext=", Text.Length > MaxText ? Text[..MaxText] : Text);

    /// <summary>The record, or null with <paramref name="why"/>: every field once, in order, in range.</summary>
    public static ActivityRecord? Parse(string body, out string why)
    {
        why = "";
        string[] keys = { "what=", "ok=", "bytes=", "usec=", "ascii=", "text=" };
        var v = new string[keys.Length];
        int at = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (string.CompareOrdinal(body, at, keys[i], 0, keys[i].Length) != 0) { why = $"expected {keys[i]}"; return null; }
            at += keys[i].Length;
            int nl = i == keys.Length - 1 ? body.Length : body.IndexOf('\n', at);
            if (nl < 0) { why = "too few lines"; return null; }
            v[i] = body[at..nl];
            at = nl + 1;
        }
        int what = Array.IndexOf(Names, v[0]);
        if (what < 0) { why = "bad what"; return null; }
        if (v[1] is not ("0" or "1") || v[4] is not ("0" or "1")) { why = "bad flag"; return null; }
        if (!long.TryParse(v[2], NumberStyles.None, CultureInfo.InvariantCulture, out long bytes)) { why = "bad bytes"; return null; }
        if (!long.TryParse(v[3], NumberStyles.None, CultureInfo.InvariantCulture, out long usec)) { why = "bad usec"; return null; }
        if (v[5].Length > MaxText) { why = "text too long"; return null; }
        return new ActivityRecord((LogKind)what, v[1] == "1", bytes, usec, v[4] == "1", v[5]);
    }
}
