// Certificates for the TLS tests, made once per run with `openssl req` (self-signed, CN=localhost).
namespace FtpFork.Tests.Harness;

public sealed class TestCert
{
    public string CertPath { get; }
    public string KeyPath { get; }
    public string Dir { get; }

    private TestCert(string dir, string name, string subject, string keySpec)
    {
        Dir = dir;
        CertPath = Path.Combine(dir, name + ".crt");
        KeyPath = Path.Combine(dir, name + ".key");
        var args = new List<string> { "req", "-x509", "-nodes", "-days", "30", "-subj", subject,
            "-keyout", KeyPath, "-out", CertPath };
        args.InsertRange(1, keySpec.Split(' '));
        var r = RunTool.Run("openssl", args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"openssl req failed: {r.Stderr}");
    }

    private static readonly Lazy<string> RunDir = new(() =>
    {
        string d = Directory.CreateTempSubdirectory("ftpfork-certs-").FullName;
        File.SetUnixFileMode(d, (UnixFileMode)Convert.ToInt32("755", 8));
        return d;
    });

    private static readonly Lazy<TestCert> RsaCert = new(() => new TestCert(RunDir.Value, "rsa", "/CN=localhost", "-newkey rsa:2048"));
    private static readonly Lazy<TestCert> OtherCert = new(() => new TestCert(RunDir.Value, "other", "/CN=other", "-newkey ec -pkeyopt ec_paramgen_curve:P-256"));

    /// <summary>The server certificate most tests use (RSA 2048).</summary>
    public static TestCert Rsa => RsaCert.Value;

    /// <summary>Another certificate and key (ECDSA P-256): a key that does not match <see cref="Rsa"/>, or a renewed certificate.</summary>
    public static TestCert Other => OtherCert.Value;

    private static readonly Lazy<ClientCertificate> ClientCaCert = new(() => new ClientCertificate(RunDir.Value));

    /// <summary>A CA and a client certificate it signed (for ca_certs_file, require_cert, validate_cert).</summary>
    public static ClientCertificate ClientCa => ClientCaCert.Value;

    public sealed class ClientCertificate
    {
        public string CaPath { get; }
        public string CertPath { get; }
        public string KeyPath { get; }

        internal ClientCertificate(string dir)
        {
            CaPath = Path.Combine(dir, "ca.crt");
            string caKey = Path.Combine(dir, "ca.key"), csr = Path.Combine(dir, "client.csr");
            CertPath = Path.Combine(dir, "client.crt");
            KeyPath = Path.Combine(dir, "client.key");
            Check(RunTool.Run("openssl", new[] { "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-days", "30", "-subj", "/CN=FtpFork test CA", "-keyout", caKey, "-out", CaPath }));
            Check(RunTool.Run("openssl", new[] { "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-subj", "/CN=client", "-keyout", KeyPath, "-out", csr }));
            Check(RunTool.Run("openssl", new[] { "x509", "-req", "-in", csr, "-CA", CaPath, "-CAkey", caKey, "-CAcreateserial",
                "-days", "30", "-out", CertPath }));
        }

        private static void Check(ToolResult r)
        {
            if (r.ExitCode != 0) throw new InvalidOperationException($"openssl failed: {r.Stderr}");
        }
    }

    /// <summary>Deletes the run's certificate directory, if one was made.</summary>
    public static void RemoveAll()
    {
        if (!RunDir.IsValueCreated) return;
        try { Directory.Delete(RunDir.Value, recursive: true); } catch (IOException) { }
    }

    /// <summary>The ftpd.conf lines that turn TLS on with this certificate.</summary>
    public string[] Settings(params string[] more) =>
        new[] { "ssl_enable=YES", $"rsa_cert_file={CertPath}", $"rsa_private_key_file={KeyPath}" }.Concat(more).ToArray();

    /// <summary>The certificate's SHA-256 fingerprint as openssl prints it (AA:BB:...).</summary>
    public string Fingerprint()
    {
        var r = RunTool.Run("openssl", new[] { "x509", "-noout", "-fingerprint", "-sha256", "-in", CertPath });
        return r.Stdout.Trim().Split('=')[1];
    }
}
