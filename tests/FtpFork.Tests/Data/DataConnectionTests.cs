// Data connection rules: accept/connect timeouts, no PORT bounce, no PASV theft, data timeout, throttling, IPv6.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests;

[TestFixture, Parallelizable(ParallelScope.All)]
public class DataConnectionTests
{
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.2");

    [Test]
    public void PasvNobodyConnectsTo425AfterAcceptTimeout()
    {
        using var server = ServerProcess.Start("accept_timeout=1");
        DataClient.RandomFile(Path.Combine(server.Root, "f"), 10);
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("PASV").Code, Is.EqualTo(227));
        var sw = Stopwatch.StartNew();
        Assert.That(c.Command("RETR f").ToString(), Is.EqualTo("425 Failed to establish connection."));
        Assert.That(sw.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(900)));
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
        Assert.That(c.Command("RETR f").ToString(), Is.EqualTo("425 Use PORT or PASV first."));
    }

    [Test]
    public void PortToAClosedPortGets425AndTheSessionGoesOn()
    {
        using var server = ServerProcess.Start("connect_timeout=2");
        DataClient.RandomFile(Path.Combine(server.Root, "f"), 10);
        using var c = DataClient.LoggedIn(server);
        // Bound, never listening: the port stays ours and refuses every connection.
        using var hold = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        hold.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int closed = ((IPEndPoint)hold.LocalEndPoint!).Port;
        Assert.That(c.Command($"PORT 127,0,0,1,{closed >> 8},{closed & 255}").Code, Is.EqualTo(200));
        Assert.That(c.Command("RETR f").ToString(), Is.EqualTo("425 Failed to establish connection."));
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
    }

    [Test]
    public void PortBounceIsRefused()
    {
        using var server = ServerProcess.Start();
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("PORT 127,0,0,2,200,10").ToString(), Is.EqualTo("500 Illegal PORT command."));
        Assert.That(c.Command("PORT 127,0,0,1,0,21").ToString(), Is.EqualTo("500 Illegal PORT command."));
        Assert.That(c.Command("EPRT |1|127.0.0.2|51210|").ToString(), Is.EqualTo("500 Illegal EPRT command."));
        Assert.That(c.Command("EPRT |1|127.0.0.1|21|").ToString(), Is.EqualTo("500 Illegal EPRT command."));
        Assert.That(c.Command("RETR f").ToString(), Is.EqualTo("425 Use PORT or PASV first."), "a refused PORT leaves nothing set");
        Assert.That(c.Command("PORT 127,0,0,1,200,10").Code, Is.EqualTo(200));
    }

    [Test]
    public void PortPromiscuousAllowsAnotherAddress()
    {
        using var server = ServerProcess.Start("port_promiscuous=YES");
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "f"), 5000);
        using var c = DataClient.LoggedIn(server);
        using var l = DataClient.Active(c, "127.0.0.2");
        Assert.That(c.Command("RETR f").Code, Is.EqualTo(150));
        using var d = DataClient.AcceptFrom(l);
        Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
    }

    [Test]
    public void PasvConnectionFromAnotherAddressIsRefusedWhileTheClientSucceeds()
    {
        using var server = ServerProcess.Start("accept_timeout=10");
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "f"), 100_000);
        using var c = DataClient.LoggedIn(server);
        var r = c.Command("PASV");
        var n = r.Text[(r.Text.IndexOf('(') + 1)..r.Text.IndexOf(')')].Split(',').Select(int.Parse).ToArray();
        var ep = new IPEndPoint(IPAddress.Loopback, n[4] * 256 + n[5]);
        using var thief = DataClient.ConnectTo(ep, Other);
        c.SendLine("RETR f");
        // The server takes the thief's connection first and closes it at once.
        Assert.That(thief.Poll(10_000_000, SelectMode.SelectRead), Is.True);
        Assert.That(ReceiveOrReset(thief), Is.EqualTo(0), "the thief got data");
        using var d = DataClient.ConnectTo(ep);
        Assert.That(c.ReadReply().Code, Is.EqualTo(150));
        Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        // The log reaches the test through the master's stderr pipe, read asynchronously: wait for it.
        Assert.That(server.LogShows("refused a data connection from 127.0.0.2", 10),
            Is.True, server.Log);
    }

    [Test]
    public void PasvThiefAloneGets425()
    {
        using var server = ServerProcess.Start("accept_timeout=1");
        DataClient.RandomFile(Path.Combine(server.Root, "f"), 10);
        using var c = DataClient.LoggedIn(server);
        using var thief = DataClient.Pasv(c, from: Other);
        Assert.That(c.Command("RETR f").ToString(), Is.EqualTo("425 Failed to establish connection."));
        Assert.That(ReceiveOrReset(thief), Is.EqualTo(0));
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
    }

    [Test]
    public void StalledReaderGetsDataTimeout()
    {
        using var server = ServerProcess.Start("data_connection_timeout=2");
        DataClient.RandomFile(Path.Combine(server.Root, "big"), 64L << 20);
        using var c = DataClient.LoggedIn(server);
        using var d = DataClient.Pasv(c, receiveBuffer: 4096);
        Assert.That(c.Command("RETR big").Code, Is.EqualTo(150));
        Assert.That(d.Receive(new byte[100]), Is.GreaterThan(0)); // then stop reading
        Assert.That(c.ReadReply(15_000).ToString(), Is.EqualTo("421 Data timeout. Reconnect. Sorry."));
        Assert.That(c.WaitForClose(5000), Is.True);
    }

    [Test]
    public void ThrottledRetrOutlastingTheIdleTimeoutCompletes()
    {
        using var server = ServerProcess.Start("idle_session_timeout=1", "data_connection_timeout=2", "anon_max_rate=100000");
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "slow"), 300_000);
        using var c = DataClient.LoggedIn(server);
        using var d = DataClient.Pasv(c);
        var sw = Stopwatch.StartNew();
        Assert.That(c.Command("RETR slow").Code, Is.EqualTo(150));
        Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(sw.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2.8)), "anon_max_rate did not throttle");
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
    }

    [Test]
    public void SigtermDuringATransferLetsItFinishThenSays421()
    {
        using var server = ServerProcess.Start("anon_max_rate=200000");
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "slow"), 400_000); // ~2 s at the rate
        using var c = DataClient.LoggedIn(server);
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("RETR slow").Code, Is.EqualTo(150));
        var first = new byte[1000];
        int n = d.Receive(first);
        Assert.That(n, Is.GreaterThan(0), "the transfer is under way");
        ProcTools.Signal(server.Pid, 15);
        var rest = DataClient.ReadAll(d);
        Assert.That(rest.Length, Is.GreaterThan(100_000), "the transfer went on after SIGTERM");
        Assert.That(DataClient.Sha(first[..n].Concat(rest).ToArray()), Is.EqualTo(sha), "every byte arrived");
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("226 Transfer complete."));
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("421 Server is shutting down."));
        Assert.That(c.WaitForClose(5000), Is.True);
        Assert.That(server.Process.WaitForExit(10000), Is.True, "the master exits once the session is gone");
        Assert.That(server.Process.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public void Ipv6EpsvAndEprtWork()
    {
        Need.Ipv6();
        using var server = ServerProcess.Start("listen_ipv6=YES", "listen_address6=::1");
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "six"), 200_000);
        using var c = DataClient.LoggedIn(server, "::1");
        using (var d = DataClient.Epsv(c, "::1"))
        {
            Assert.That(c.Command("RETR six").Code, Is.EqualTo(150));
            Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
            Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        }
        using (var l = DataClient.Active(c, "::1"))
        {
            Assert.That(c.Command("RETR six").Code, Is.EqualTo(150));
            using var d = DataClient.AcceptFrom(l);
            Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
            Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        }
        Assert.That(c.Command("EPSV 2").Code, Is.EqualTo(229));
        Assert.That(c.Command("PORT 127,0,0,1,200,1").ToString(), Is.EqualTo("500 Illegal PORT command."));
        Assert.That(c.Command("PASV").Text, Does.StartWith("Entering Passive Mode (0,0,0,0,"));
    }

    /// <summary>0 when the peer closed (EOF or reset), else the byte count it sent.</summary>
    private static int ReceiveOrReset(Socket s)
    {
        try
        {
            if (!s.Poll(10_000_000, SelectMode.SelectRead)) return -1;
            return s.Receive(new byte[100]);
        }
        catch (SocketException) { return 0; }
    }
}
