// pasv_addr_resolve: the master resolves pasv_address's host name once at start; workers only ever see the IPv4 address.
using System.Net;
using System.Net.Sockets;
using FtpFork.Common.Config;

namespace FtpFork.Master;

public static class PasvName
{
    /// <summary>The first IPv4 address of <paramref name="name"/>; a ConfigException naming pasv_address (and where it was set) otherwise.</summary>
    public static string Resolve(string name, string? where)
    {
        string at = where != null ? where + ": " : "";
        try
        {
            foreach (var a in Dns.GetHostAddresses(name))
                if (a.AddressFamily == AddressFamily.InterNetwork) return a.ToString();
            throw new ConfigException($"{at}pasv_address: {name} has no IPv4 address (pasv_addr_resolve=YES)");
        }
        catch (SocketException e)
        {
            throw new ConfigException($"{at}pasv_address: cannot resolve {name}: {e.Message}");
        }
    }
}
