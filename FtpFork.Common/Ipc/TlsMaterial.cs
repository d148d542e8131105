// The TLSCERT message: the certificate chain, private key and client CA PEM bytes the master read and checked, parsed strictly.
using FtpFork.Common.Interop;

namespace FtpFork.Common.Ipc;

/// <summary>
/// PEM bytes as the master read them from rsa_cert_file, rsa_private_key_file and ca_certs_file
/// (<see cref="Ca"/> empty without one). Workers never open those files: they get these bytes
/// over their channel before they drop privileges, so a renewed certificate reaches new workers
/// by the master re-reading the files (SIGHUP).
/// </summary>
public sealed record TlsMaterial(byte[] Cert, byte[] Key, byte[] Ca)
{
    /// <summary>The three files together, at most: base64 of them must fit one channel message (64 KiB).</summary>
    public const int MaxTotal = 44 * 1024;

    private static readonly string[] Keys = { "cert", "key", "ca" };

    /// <summary>The bytes as TlsContext takes them.</summary>
    public TlsPem Pem => new(Cert, Key, Ca);

    public string Format() => KeyLines.Format(Keys, new[]
    {
        Convert.ToBase64String(Cert), Convert.ToBase64String(Key), Convert.ToBase64String(Ca),
    });

    /// <summary>Strict: every key once, in order, base64, a certificate and a key present, within <see cref="MaxTotal"/>; else throws.</summary>
    public static TlsMaterial Parse(string body)
    {
        string[] v = KeyLines.Parse(body, Keys, "TLSCERT");
        byte[] cert = Convert.FromBase64String(v[0]), key = Convert.FromBase64String(v[1]), ca = Convert.FromBase64String(v[2]);
        if (cert.Length == 0 || key.Length == 0) throw new FormatException("TLSCERT: no certificate or no key");
        if (cert.Length + key.Length + ca.Length > MaxTotal) throw new FormatException("TLSCERT: too large");
        return new TlsMaterial(cert, key, ca);
    }
}
