// The only skips the suite allows: a test that cannot run here says why, and build.sh lists it (CI=true fails on all but "needs root" and "needs IPv6").
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace FtpFork.Tests.Harness;

public static class Need
{
    /// <summary>Skips with "needs root" unless the tests run as root (accounts, identities, chroots, mounts).</summary>
    public static void Root()
    {
        if (!ServerProcess.AsRoot) Assert.Ignore("needs root");
    }

    /// <summary>Skips with "needs IPv6" where ::1 cannot be bound (IPv6 off in the kernel or the container).</summary>
    public static void Ipv6()
    {
        if (!Ipv6Loopback.Value) Assert.Ignore("needs IPv6: ::1 cannot be bound on this machine");
    }

    /// <summary>Skips with "needs TOOL" when the program is not on PATH: CI=true counts that as a failure (.ci/run installs it).</summary>
    public static void Tool(string tool, string package)
    {
        if (!RunTool.Exists(tool)) Assert.Ignore($"needs {tool}: not installed (apt-get install -y {package}; .ci/run installs it)");
    }

    private static readonly Lazy<bool> Ipv6Loopback = new(() =>
    {
        try
        {
            using var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    });
}
