// Declarations of the libssl.so.3/libcrypto.so.3 calls FtpFork uses; bound on first call, so a process without TLS never loads them.
using System.Runtime.InteropServices;

namespace FtpFork.Common.Interop;

internal static unsafe partial class Native
{
    // Exact sonames, not in DirectPInvoke.props: the runtime dlopens them at the first call only.
    private const string LibSsl = "libssl.so.3";
    private const string LibCrypto = "libcrypto.so.3";

    [LibraryImport(LibSsl)]
    internal static partial int OPENSSL_init_ssl(ulong opts, IntPtr settings);

    [LibraryImport(LibSsl)]
    internal static partial IntPtr TLS_server_method();

    [LibraryImport(LibSsl)]
    internal static partial IntPtr SSL_CTX_new(IntPtr method);

    [LibraryImport(LibSsl)]
    internal static partial void SSL_CTX_free(IntPtr ctx);

    [LibraryImport(LibSsl)]
    internal static partial long SSL_CTX_ctrl(IntPtr ctx, int cmd, long larg, void* parg);

    [LibraryImport(LibSsl)]
    internal static partial long SSL_CTX_callback_ctrl(IntPtr ctx, int cmd, IntPtr fp);

    [LibraryImport(LibSsl)]
    internal static partial ulong SSL_CTX_set_options(IntPtr ctx, ulong options);

    [LibraryImport(LibSsl, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SSL_CTX_set_cipher_list(IntPtr ctx, string list);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_CTX_use_certificate(IntPtr ctx, IntPtr x509);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_CTX_use_PrivateKey(IntPtr ctx, IntPtr pkey);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_CTX_check_private_key(IntPtr ctx);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_CTX_set_session_id_context(IntPtr ctx, byte* sidCtx, uint len);

    [LibraryImport(LibSsl)]
    internal static partial long SSL_CTX_set_timeout(IntPtr ctx, long seconds);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_CTX_add_session(IntPtr ctx, IntPtr session);

    [LibraryImport(LibSsl)]
    internal static partial void SSL_CTX_set_verify(IntPtr ctx, int mode, delegate* unmanaged<int, IntPtr, int> callback);

    [LibraryImport(LibSsl)]
    internal static partial IntPtr SSL_CTX_get_cert_store(IntPtr ctx);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_CTX_add_client_CA(IntPtr ctx, IntPtr x509);

    [LibraryImport(LibSsl)]
    internal static partial IntPtr SSL_new(IntPtr ctx);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_set_num_tickets(IntPtr ssl, nuint count);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_new_session_ticket(IntPtr ssl);

    [LibraryImport(LibSsl)]
    internal static partial void SSL_free(IntPtr ssl);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_set_fd(IntPtr ssl, int fd);

    [LibraryImport(LibSsl)]
    internal static partial void SSL_set_read_ahead(IntPtr ssl, int yes);

    [LibraryImport(LibSsl)]
    internal static partial void SSL_set_default_read_buffer_len(IntPtr ssl, nuint len);

    [LibraryImport(LibSsl, SetLastError = true)] // errno tells a reset from a plain EOF
    internal static partial int SSL_accept(IntPtr ssl);

    [LibraryImport(LibSsl, SetLastError = true)] // errno tells a reset from a plain EOF
    internal static partial int SSL_read_ex(IntPtr ssl, byte* buf, nuint num, out nuint read);

    [LibraryImport(LibSsl, SetLastError = true)] // errno tells a reset from a plain EOF
    internal static partial int SSL_write_ex(IntPtr ssl, byte* buf, nuint num, out nuint written);

    [LibraryImport(LibSsl, SetLastError = true)] // errno tells a reset from a plain EOF
    internal static partial int SSL_shutdown(IntPtr ssl);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_get_shutdown(IntPtr ssl);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_get_error(IntPtr ssl, int ret);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_pending(IntPtr ssl);

    [LibraryImport(LibSsl)]
    internal static partial int SSL_session_reused(IntPtr ssl);

    [LibraryImport(LibSsl)]
    internal static partial IntPtr SSL_get_version(IntPtr ssl);

    [LibraryImport(LibSsl)]
    internal static partial IntPtr SSL_get_current_cipher(IntPtr ssl);

    [LibraryImport(LibSsl)]
    internal static partial IntPtr SSL_CIPHER_get_name(IntPtr cipher);

    [LibraryImport(LibSsl)]
    internal static partial IntPtr SSL_get1_session(IntPtr ssl);

    [LibraryImport(LibSsl)]
    internal static partial IntPtr SSL_get1_peer_certificate(IntPtr ssl);

    [LibraryImport(LibSsl)]
    internal static partial void SSL_SESSION_free(IntPtr session);

    [LibraryImport(LibSsl)]
    internal static partial int i2d_SSL_SESSION(IntPtr session, byte** pp);

    [LibraryImport(LibSsl)]
    internal static partial IntPtr d2i_SSL_SESSION(IntPtr* a, byte** pp, long length);

    [LibraryImport(LibCrypto)]
    internal static partial IntPtr BIO_new_mem_buf(byte* buf, int len);

    [LibraryImport(LibCrypto)]
    internal static partial IntPtr BIO_f_buffer();

    [LibraryImport(LibCrypto)]
    internal static partial IntPtr BIO_new(IntPtr method);

    [LibraryImport(LibCrypto)]
    internal static partial long BIO_int_ctrl(IntPtr bio, int cmd, long larg, int iarg);

    [LibraryImport(LibCrypto, SetLastError = true)] // a flush is a write(2): errno tells a reset from EAGAIN
    internal static partial long BIO_ctrl(IntPtr bio, int cmd, long larg, IntPtr parg);

    [LibraryImport(LibCrypto)]
    internal static partial IntPtr BIO_push(IntPtr bio, IntPtr next);

    [LibraryImport(LibCrypto)]
    internal static partial int BIO_up_ref(IntPtr bio);

    [LibraryImport(LibCrypto)]
    internal static partial int BIO_test_flags(IntPtr bio, int flags);

    [LibraryImport(LibSsl)]
    internal static partial IntPtr SSL_get_wbio(IntPtr ssl);

    [LibraryImport(LibSsl)]
    internal static partial void SSL_set0_wbio(IntPtr ssl, IntPtr wbio);

    [LibraryImport(LibCrypto)]
    internal static partial int BIO_free(IntPtr bio);

    [LibraryImport(LibCrypto)]
    internal static partial IntPtr PEM_read_bio_X509(IntPtr bio, IntPtr* x, delegate* unmanaged<byte*, int, int, IntPtr, int> cb, IntPtr u);

    [LibraryImport(LibCrypto)]
    internal static partial IntPtr PEM_read_bio_PrivateKey(IntPtr bio, IntPtr* x, delegate* unmanaged<byte*, int, int, IntPtr, int> cb, IntPtr u);

    [LibraryImport(LibCrypto)]
    internal static partial void X509_free(IntPtr x509);

    [LibraryImport(LibCrypto)]
    internal static partial void EVP_PKEY_free(IntPtr pkey);

    [LibraryImport(LibCrypto)]
    internal static partial int X509_STORE_add_cert(IntPtr store, IntPtr x509);

    [LibraryImport(LibCrypto)]
    internal static partial int X509_digest(IntPtr x509, IntPtr md, byte* digest, out uint len);

    [LibraryImport(LibCrypto)]
    internal static partial IntPtr EVP_sha256();

    [LibraryImport(LibCrypto)]
    internal static partial ulong ERR_get_error();

    [LibraryImport(LibCrypto)]
    internal static partial ulong ERR_peek_error();

    [LibraryImport(LibCrypto)]
    internal static partial void ERR_clear_error();

    [LibraryImport(LibCrypto)]
    internal static partial IntPtr ERR_reason_error_string(ulong e);

    [LibraryImport(LibCrypto)]
    internal static partial IntPtr ERR_lib_error_string(ulong e);

    [LibraryImport(LibCrypto)]
    internal static partial int RAND_bytes(byte* buf, int num);

    [LibraryImport(LibCrypto)]
    internal static partial void OPENSSL_free(IntPtr p);

    // ssl.h / tls1.h / prov_ssl.h constants (OpenSSL 3.0 ABI)
    internal const int SSL_CTRL_EXTRA_CHAIN_CERT = 14, SSL_CTRL_MODE = 33, SSL_CTRL_SET_SESS_CACHE_MODE = 44;
    internal const int SSL_CTRL_SET_TLSEXT_SERVERNAME_CB = 53, SSL_CTRL_SET_TLSEXT_TICKET_KEYS = 59;
    internal const int SSL_CTRL_CHAIN_CERT = 89, SSL_CTRL_SET_MIN_PROTO_VERSION = 123, SSL_CTRL_SET_MAX_PROTO_VERSION = 124;
    internal const int TLS1_2_VERSION = 0x0303, TLS1_3_VERSION = 0x0304;
    internal const long SSL_MODE_ENABLE_PARTIAL_WRITE = 0x1, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER = 0x2;
    internal const ulong SSL_OP_NO_COMPRESSION = 1UL << 17, SSL_OP_NO_RENEGOTIATION = 1UL << 30;
    internal const long SSL_SESS_CACHE_SERVER = 0x2;
    internal const int SSL_VERIFY_PEER = 0x01, SSL_VERIFY_FAIL_IF_NO_PEER_CERT = 0x02;
    internal const int SSL_ERROR_NONE = 0, SSL_ERROR_SSL = 1, SSL_ERROR_WANT_READ = 2, SSL_ERROR_WANT_WRITE = 3;
    internal const int SSL_ERROR_SYSCALL = 5, SSL_ERROR_ZERO_RETURN = 6;
    internal const int SSL_RECEIVED_SHUTDOWN = 2;
    internal const int TicketKeysLength = 80; // tick_key_name[16] + HMAC key[32] + AES key[32]
    internal const int BIO_C_SET_BUFF_SIZE = 117, BIO_CTRL_FLUSH = 11, BIO_FLAGS_SHOULD_RETRY = 0x08;
}
