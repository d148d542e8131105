// The error type of the OpenSSL wrappers: the call that failed and OpenSSL's error queue as text (PosixException's sibling).
using System.Runtime.InteropServices;

namespace FtpFork.Common.Interop;

public sealed class TlsException : Exception
{
    public string Call { get; }

    /// <summary>The message without the call's name (what a config error shows).</summary>
    public string Why { get; }

    /// <summary>The ftpd.conf key whose value made the call fail (rsa_cert_file, ssl_ciphers, ...), or null.</summary>
    public string? ConfigKey { get; }

    public TlsException(string call, string why, string? configKey = null) : base($"{call}: {why}")
    {
        Call = call;
        Why = why;
        ConfigKey = configKey;
    }

    /// <summary>A failure of <paramref name="call"/> described by the error queue (which it empties).</summary>
    public static TlsException FromQueue(string call, string? configKey = null) => new(call, QueueText("failed"), configKey);

    /// <summary>A failure said in our words, OpenSSL's queue (emptied) after them in brackets.</summary>
    public static TlsException Explained(string call, string explanation, string? configKey = null)
    {
        string q = QueueText("");
        return new(call, q == "" ? explanation : $"{explanation} [OpenSSL: {q}]", configKey);
    }

    /// <summary>Every entry of this thread's OpenSSL error queue, oldest first ("reason (library)"), and empties it.</summary>
    public static string QueueText(string ifEmpty = "no OpenSSL error recorded")
    {
        var parts = new List<string>();
        ulong e;
        while ((e = Native.ERR_get_error()) != 0)
        {
            string reason = Marshal.PtrToStringUTF8(Native.ERR_reason_error_string(e)) ?? $"error {e:x}";
            string? lib = Marshal.PtrToStringUTF8(Native.ERR_lib_error_string(e));
            string part = lib == null ? reason : $"{reason} ({lib})";
            if (!parts.Contains(part)) parts.Add(part);
        }
        return parts.Count == 0 ? ifEmpty : string.Join("; ", parts);
    }
}
