// Floods and pool health: QUIT probes are counted right.
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using FtpFork.Common.Interop;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class FloodTests
{
    [Test]
    public void QuitProbesThatCloseAtOnceAreCountedAsSixBytes()
    {
        // A probe that sends QUIT and closes without waiting for the 221: its FIN, then a reset at the
        // 221, leave the socket CLOSED with the FIN counted in tcpi_bytes_received (7).
        using var s = ServerProcess.Start("worker_pool_size=2");
        Assert.That(s.LogShows("2 pre-login worker(s) ready"), Is.True, ModelTools.Why(s));
        const int probes = 20;
        for (int i = 0; i < probes; i++)
        {
            using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            raw.Connect(IPAddress.Loopback, s.Port);
            raw.ReceiveTimeout = 10000;
            Assert.That(raw.Receive(new byte[512]), Is.GreaterThan(0), "the greeting");
            raw.Send(Encoding.ASCII.GetBytes("QUIT\r\n"));
        }
        Assert.That(ProcTools.WaitUntil(() => Regex.Matches(s.Log, "left after 6 byte").Count + Regex.Matches(s.Log, "not taken back").Count == probes,
            TimeSpan.FromSeconds(20)), Is.True, ModelTools.Why(s));
        Assert.That(s.Log, Does.Not.Contain("not taken back"), ModelTools.Why(s));
    }

    [TestCase(TcpInfo.CloseWait, 0, 7L, 6L)]
    [TestCase(TcpInfo.Close, 32 /* EPIPE: reset after the FIN */, 7L, 6L)]
    [TestCase(TcpInfo.Close, 104 /* ECONNRESET: no FIN */, 7L, 7L)]
    [TestCase(TcpInfo.Close, 0, 6L, 6L)]
    [TestCase(TcpInfo.Established, 0, 6L, 6L)]
    [TestCase(TcpInfo.LastAck, 0, 1L, 0L)]
    public void TheFinIsNotCountedAsAByte(byte state, int soError, long received, long data) =>
        Assert.That(new TcpInfo(state, 0, (ulong)received, soError).DataReceived, Is.EqualTo(data));
}
