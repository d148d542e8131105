// A server TLS context (SSL_CTX) made from TlsOptions and PEM bytes: the master's start-up check, and what each worker serves with.
using System.Runtime.InteropServices;

namespace FtpFork.Common.Interop;

/// <summary>
/// What the context is made of, from ftpd.conf (TlsSetup maps the keys): protocols, the TLS 1.2
/// cipher list, client certificates; <see cref="KeyFileKey"/> names the key whose file holds the private key.
/// </summary>
public sealed record TlsOptions(bool Tls12, bool Tls13, string Ciphers, bool RequestCert, bool RequireCert,
    bool ValidateCert, string KeyFileKey);

/// <summary>PEM bytes: the certificate (its chain after it), the private key, the client CAs (may be empty).</summary>
public sealed record TlsPem(byte[] Cert, byte[] Key, byte[] Ca);

/// <summary>
/// Built once per process, before its privilege drop (libssl and its configuration are read from
/// disk then). <see cref="NewFtpSession"/> gives it a fresh random ticket key and session-id
/// context for each FTP session, so a TLS session of one FTP session never resumes in another;
/// <see cref="Import"/> installs another process's (the control connection's) so that data
/// connections made here resume it. Without <see cref="TlsPem"/> it holds no certificate and
/// no key: it can only resume sessions (what a session worker needs with require_ssl_reuse=YES).
/// </summary>
public sealed unsafe class TlsContext : IDisposable
{
    /// <summary>How long a TLS session stays resumable: the ticket and the session die with the FTP session's keys anyway.</summary>
    private const long SessionLifetime = 7 * 24 * 3600;
    private static readonly object InitGate = new();
    private static bool _initialised;
    private IntPtr _ctx;

    /// <summary>Whether it holds the certificate and key (a full handshake is possible).</summary>
    public bool HasCertificate { get; }

    /// <summary>This FTP session's ticket keys and session-id context (see <see cref="NewFtpSession"/>).</summary>
    public byte[] TicketKeys { get; private set; } = Array.Empty<byte>();
    public const int TicketKeysLength = Native.TicketKeysLength, SidContextLength = 32;
    public byte[] SidContext { get; private set; } = Array.Empty<byte>();

    private TlsContext(IntPtr ctx, bool hasCertificate)
    {
        _ctx = ctx;
        HasCertificate = hasCertificate;
    }

    /// <summary>Loads libssl and libcrypto and initialises them (once per process; they read their configuration now).</summary>
    public static void Initialise()
    {
        lock (InitGate)
        {
            if (_initialised) return;
            if (Native.OPENSSL_init_ssl(0, IntPtr.Zero) != 1) throw TlsException.FromQueue("OPENSSL_init_ssl");
            _initialised = true;
        }
    }

    /// <summary>
    /// The context for <paramref name="o"/>; with <paramref name="material"/> it serves its
    /// certificate chain and key (checked to match) and checks client certificates against its CA
    /// list. Throws TlsException naming the config key at fault.
    /// </summary>
    public static TlsContext Create(TlsOptions o, TlsPem? material)
    {
        Initialise();
        Native.ERR_clear_error();
        IntPtr ctx = Native.SSL_CTX_new(Native.TLS_server_method());
        if (ctx == IntPtr.Zero) throw TlsException.FromQueue("SSL_CTX_new");
        var t = new TlsContext(ctx, material != null);
        try
        {
            t.Configure(o);
            if (material != null) t.LoadMaterial(o, material);
            else
            {
                // No certificate: OpenSSL offers TLS 1.3 only to a context that may get one from a
                // server-name callback, so one that changes nothing lets TLS 1.3 sessions resume.
                Native.SSL_CTX_callback_ctrl(ctx, Native.SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, (IntPtr)(delegate* unmanaged<IntPtr, int*, IntPtr, int>)&ServerNameOk);
            }
            t.NewFtpSession();
            return t;
        }
        catch
        {
            t.Dispose();
            throw;
        }
    }

    private void Configure(TlsOptions c)
    {
        int min = c.Tls12 ? Native.TLS1_2_VERSION : Native.TLS1_3_VERSION;
        int max = c.Tls13 ? Native.TLS1_3_VERSION : Native.TLS1_2_VERSION;
        if (Ctrl(Native.SSL_CTRL_SET_MIN_PROTO_VERSION, min) != 1 || Ctrl(Native.SSL_CTRL_SET_MAX_PROTO_VERSION, max) != 1)
            throw TlsException.Explained("SSL_CTX_set_min/max_proto_version", "cannot set the protocol versions", "ssl_tlsv1_3");
        Native.SSL_CTX_set_options(_ctx, Native.SSL_OP_NO_COMPRESSION | Native.SSL_OP_NO_RENEGOTIATION);
        if (Native.SSL_CTX_set_cipher_list(_ctx, c.Ciphers) != 1)
            throw TlsException.Explained("SSL_CTX_set_cipher_list", $"no TLS 1.2 cipher matches \"{c.Ciphers}\"", "ssl_ciphers");
        // Partial writes: each record written counts as progress; the buffer may move between retries (managed memory).
        Ctrl(Native.SSL_CTRL_MODE, Native.SSL_MODE_ENABLE_PARTIAL_WRITE | Native.SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        Ctrl(Native.SSL_CTRL_SET_SESS_CACHE_MODE, Native.SSL_SESS_CACHE_SERVER);
        Native.SSL_CTX_set_timeout(_ctx, SessionLifetime);
        int verify = (c.RequestCert || c.RequireCert ? Native.SSL_VERIFY_PEER : 0) |
            (c.RequireCert ? Native.SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0);
        if (verify != 0)
            Native.SSL_CTX_set_verify(_ctx, verify, c.ValidateCert ? null : &AcceptAnyCertificate);
    }

    private void LoadMaterial(TlsOptions c, TlsPem m)
    {
        string keyKey = c.KeyFileKey;
        var certs = ReadCertificates(m.Cert, "rsa_cert_file");
        if (certs.Count == 0) throw new TlsException("PEM_read_bio_X509", "no PEM certificate in the file", "rsa_cert_file");
        try
        {
            if (Native.SSL_CTX_use_certificate(_ctx, certs[0]) != 1) throw TlsException.FromQueue("SSL_CTX_use_certificate", "rsa_cert_file");
            for (int i = 1; i < certs.Count; i++)
            {
                // add0: the context owns the chain certificate from here.
                if (Native.SSL_CTX_ctrl(_ctx, Native.SSL_CTRL_CHAIN_CERT, 0, (void*)certs[i]) != 1)
                    throw TlsException.FromQueue("SSL_CTX_add0_chain_cert", "rsa_cert_file");
                certs[i] = IntPtr.Zero;
            }
        }
        finally
        {
            foreach (var x in certs) if (x != IntPtr.Zero) Native.X509_free(x);
        }
        IntPtr key;
        fixed (byte* p = m.Key)
        {
            IntPtr bio = Native.BIO_new_mem_buf(p, m.Key.Length);
            if (bio == IntPtr.Zero) throw TlsException.FromQueue("BIO_new_mem_buf");
            key = Native.PEM_read_bio_PrivateKey(bio, null, &NoPassphrase, IntPtr.Zero);
            Native.BIO_free(bio);
        }
        if (key == IntPtr.Zero)
            throw TlsException.Explained("PEM_read_bio_PrivateKey", "no usable PEM private key in the file (an encrypted key needs its passphrase removed)", keyKey);
        try
        {
            if (Native.SSL_CTX_use_PrivateKey(_ctx, key) != 1 || Native.SSL_CTX_check_private_key(_ctx) != 1)
                throw TlsException.Explained("SSL_CTX_use_PrivateKey", "the private key does not match the certificate", keyKey);
        }
        finally
        {
            Native.EVP_PKEY_free(key);
        }
        if (m.Ca.Length == 0) return;
        var cas = ReadCertificates(m.Ca, "ca_certs_file");
        if (cas.Count == 0) throw new TlsException("PEM_read_bio_X509", "no PEM certificate in the file", "ca_certs_file");
        IntPtr store = Native.SSL_CTX_get_cert_store(_ctx);
        try
        {
            foreach (var x in cas)
            {
                // The CA names are also sent with the certificate request, as vsftpd does.
                if (Native.X509_STORE_add_cert(store, x) != 1 || Native.SSL_CTX_add_client_CA(_ctx, x) != 1)
                    throw TlsException.FromQueue("X509_STORE_add_cert", "ca_certs_file");
            }
        }
        finally
        {
            foreach (var x in cas) Native.X509_free(x);
        }
    }

    /// <summary>Every PEM certificate in <paramref name="pem"/>, in order (the caller frees them); a broken one throws.</summary>
    private static List<IntPtr> ReadCertificates(byte[] pem, string configKey)
    {
        var list = new List<IntPtr>();
        fixed (byte* p = pem)
        {
            IntPtr bio = Native.BIO_new_mem_buf(p, pem.Length);
            if (bio == IntPtr.Zero) throw TlsException.FromQueue("BIO_new_mem_buf");
            try
            {
                while (true)
                {
                    Native.ERR_clear_error();
                    IntPtr x = Native.PEM_read_bio_X509(bio, null, &NoPassphrase, IntPtr.Zero);
                    if (x != IntPtr.Zero)
                    {
                        list.Add(x);
                        continue;
                    }
                    // The end of the PEM data reads as "no start line"; anything else is a broken certificate.
                    ulong e = Native.ERR_peek_error();
                    if (e == 0 || ((e >> 23) & 0xFF) == PemLibrary && (e & 0x7FFFFF) == PemNoStartLine)
                    {
                        Native.ERR_clear_error();
                        return list;
                    }
                    foreach (var c in list) Native.X509_free(c);
                    throw TlsException.Explained("PEM_read_bio_X509", "a broken PEM certificate", configKey);
                }
            }
            finally
            {
                Native.BIO_free(bio);
            }
        }
    }

    private const ulong PemLibrary = 9, PemNoStartLine = 108; // ERR_LIB_PEM, PEM_R_NO_START_LINE

    /// <summary>A fresh random ticket key and session-id context: one FTP session's TLS sessions resume only within it.</summary>
    public void NewFtpSession()
    {
        var keys = new byte[TicketKeysLength];
        var sid = new byte[SidContextLength];
        Random(keys);
        Random(sid);
        Install(keys, sid);
    }

    /// <summary>
    /// Takes over the control connection's FTP session (another process made it): its ticket key,
    /// its session-id context, and its session in the cache (for clients that resume by session id).
    /// </summary>
    public void Import(byte[] ticketKeys, byte[] sidContext, byte[] sessionDer)
    {
        if (ticketKeys.Length != TicketKeysLength || sidContext.Length != SidContextLength)
            throw new TlsException("TlsContext.Import", "bad key or context length");
        Install(ticketKeys, sidContext);
        IntPtr session;
        fixed (byte* p = sessionDer)
        {
            byte* q = p;
            session = Native.d2i_SSL_SESSION(null, &q, sessionDer.Length);
        }
        if (session == IntPtr.Zero) throw TlsException.FromQueue("d2i_SSL_SESSION");
        try
        {
            if (Native.SSL_CTX_add_session(_ctx, session) != 1) throw TlsException.FromQueue("SSL_CTX_add_session");
        }
        finally
        {
            Native.SSL_SESSION_free(session);
        }
    }

    private void Install(byte[] keys, byte[] sid)
    {
        fixed (byte* k = keys)
            if (Native.SSL_CTX_ctrl(_ctx, Native.SSL_CTRL_SET_TLSEXT_TICKET_KEYS, keys.Length, k) != 1)
                throw TlsException.FromQueue("SSL_CTX_set_tlsext_ticket_keys");
        fixed (byte* s = sid)
            if (Native.SSL_CTX_set_session_id_context(_ctx, s, (uint)sid.Length) != 1)
                throw TlsException.FromQueue("SSL_CTX_set_session_id_context");
        TicketKeys = keys;
        SidContext = sid;
    }

    /// <summary>A TLS connection on the connected socket <paramref name="fd"/> (not owned); <paramref name="bulk"/>: a data connection (large reads).</summary>
    public TlsConnection NewConnection(int fd, bool bulk) => new(_ctx, fd, bulk);

    private static void Random(byte[] b)
    {
        fixed (byte* p = b)
            if (Native.RAND_bytes(p, b.Length) != 1) throw TlsException.FromQueue("RAND_bytes");
    }

    private long Ctrl(int cmd, long arg) => Native.SSL_CTX_ctrl(_ctx, cmd, arg, null);

    [UnmanagedCallersOnly]
    private static int NoPassphrase(byte* buf, int size, int rwflag, IntPtr u) => 0; // never a prompt on a terminal

    [UnmanagedCallersOnly]
    private static int AcceptAnyCertificate(int preverifyOk, IntPtr storeCtx) => 1; // validate_cert=NO, as vsftpd

    [UnmanagedCallersOnly]
    private static int ServerNameOk(IntPtr ssl, int* alert, IntPtr arg) => 0; // SSL_TLSEXT_ERR_OK

    public void Dispose()
    {
        if (_ctx == IntPtr.Zero) return;
        Native.SSL_CTX_free(_ctx);
        _ctx = IntPtr.Zero;
    }
}
