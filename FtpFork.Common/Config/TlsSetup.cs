// ftpd.conf's TLS keys as a TlsContext: the options, and the certificate files read and checked with file:line errors.
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Common.Config;

public static class TlsSetup
{
    public static TlsOptions Options(FtpConfig c) => new(c.SslTlsv12, c.SslTlsv13, c.SslCiphers, c.SslRequestCert,
        c.RequireCert, c.ValidateCert, c.RsaPrivateKeyFile != "" ? "rsa_private_key_file" : "rsa_cert_file");

    /// <summary>A context for <paramref name="c"/>, with the certificate and key of <paramref name="material"/> (null: resumption only).</summary>
    public static TlsContext Context(FtpConfig c, TlsMaterial? material) => TlsContext.Create(Options(c), material?.Pem);

    /// <summary>
    /// Reads rsa_cert_file, rsa_private_key_file (the cert file when unset) and ca_certs_file and
    /// checks them with OpenSSL as a worker will use them (chain, key matching the certificate,
    /// ssl_ciphers, protocols). Throws ConfigException "file:line: key: why" (where the key was set,
    /// when <paramref name="origins"/> knows it). The master calls it at start and on SIGHUP.
    /// </summary>
    public static TlsMaterial Load(FtpConfig c, IReadOnlyDictionary<string, string>? origins = null)
    {
        ConfigException Error(string key, string why) =>
            new((origins != null && origins.TryGetValue(key, out var at) ? at + ": " : "") + $"{key}: {why}");

        byte[] Read(string key, string path)
        {
            if (path == "") throw Error(key, "not set");
            try
            {
                var info = new FileInfo(path);
                if (info.Exists && info.Length > TlsMaterial.MaxTotal) throw Error(key, $"{path}: {info.Length} bytes, more than a certificate file holds");
                return File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw Error(key, $"cannot read {path}: no such file");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Error(key, $"cannot read {path}: {e.Message}");
            }
        }

        byte[] cert = Read("rsa_cert_file", c.RsaCertFile);
        byte[] key = c.RsaPrivateKeyFile == "" ? cert : Read("rsa_private_key_file", c.RsaPrivateKeyFile);
        byte[] ca = c.CaCertsFile == "" ? Array.Empty<byte>() : Read("ca_certs_file", c.CaCertsFile);
        if (cert.Length + key.Length + ca.Length > TlsMaterial.MaxTotal)
            throw Error(c.CaCertsFile != "" ? "ca_certs_file" : "rsa_cert_file",
                $"the certificate, key and CA files together exceed {TlsMaterial.MaxTotal / 1024} KiB");
        var material = new TlsMaterial(cert, key, ca);
        try
        {
            using var check = Context(c, material);
        }
        catch (TlsException e)
        {
            string k = e.ConfigKey ?? "ssl_enable";
            string file = k switch
            {
                "rsa_cert_file" => c.RsaCertFile + ": ",
                "rsa_private_key_file" => c.RsaPrivateKeyFile + ": ",
                "ca_certs_file" => c.CaCertsFile + ": ",
                _ => "",
            };
            throw Error(k, file + e.Why);
        }
        catch (DllNotFoundException e)
        {
            throw Error("ssl_enable", $"cannot load OpenSSL 3 (libssl.so.3): {e.Message}");
        }
        return material;
    }
}
