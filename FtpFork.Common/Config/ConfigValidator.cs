// Checks that hold across keys (port ranges, at least one listener); errors name the key, and where it was set when known.
using System.Net;

namespace FtpFork.Common.Config;

public static class ConfigValidator
{
    /// <summary>
    /// Throws ConfigException naming the key; with <paramref name="origins"/> (key → "file:line" or
    /// "-o #n", from ConfigParser) the message starts with where that key was set.
    /// </summary>
    public static void Validate(FtpConfig c, IReadOnlyDictionary<string, string>? origins = null)
    {
        void Fail(string key, string why) =>
            throw new ConfigException((origins != null && origins.TryGetValue(key, out var at) ? at + ": " : "") + $"{key}: {why}");

        if (c.ListenPort is < 1 or > 65535) Fail("listen_port", $"{c.ListenPort} is not a port (1-65535)");
        if (c.PasvMinPort > 65535) Fail("pasv_min_port", $"{c.PasvMinPort} is not a port");
        if (c.PasvMaxPort > 65535) Fail("pasv_max_port", $"{c.PasvMaxPort} is not a port");
        if (c.PasvMinPort != 0 && c.PasvMaxPort != 0 && c.PasvMinPort > c.PasvMaxPort)
            Fail("pasv_min_port", $"{c.PasvMinPort} is above pasv_max_port {c.PasvMaxPort}");
        if (!c.Listen && !c.ListenIpv6) Fail("listen", "both listen and listen_ipv6 are NO: nothing to listen on");
        if (c.ListenAddress != "" && !IPAddress.TryParse(c.ListenAddress, out _))
            Fail("listen_address", $"'{c.ListenAddress}' is not an IPv4 address");
        if (c.ListenAddress6 != "" && !IPAddress.TryParse(c.ListenAddress6, out _))
            Fail("listen_address6", $"'{c.ListenAddress6}' is not an IPv6 address");
        if (c.PasvAddress != "" && !c.PasvAddrResolve && !IPAddress.TryParse(c.PasvAddress, out _))
            Fail("pasv_address", $"'{c.PasvAddress}' is not an IP address");
        if (c.WorkerPoolSize > 1000) Fail("worker_pool_size", "at most 1000");
        if (c.MaxClients < 0 || c.MaxPerIp < 0) Fail("max_clients", "negative");
        if (c.ImplicitSsl && !c.SslEnable) Fail("implicit_ssl", "needs ssl_enable=YES");
        if (c.SslEnable && !c.SslTlsv12 && !c.SslTlsv13) Fail("ssl_tlsv1_3", "both ssl_tlsv1_2 and ssl_tlsv1_3 are NO: no protocol left to offer");
    }
}
