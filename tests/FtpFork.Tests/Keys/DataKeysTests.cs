// One test per data-connection key on a running server: PASV and PORT switched off, promiscuous PASV, the passive range and address, the active source port.
using System.Net;
using System.Net.Sockets;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Keys;

[TestFixture, Parallelizable(ParallelScope.All)]
public class DataKeysTests
{
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.2");

    /// <summary>RETR f over an accepted active connection: the bytes match.</summary>
    private static void ActiveRetr(FtpTestClient c, string sha)
    {
        using var l = DataClient.Active(c);
        Assert.That(c.Command("RETR f").Code, Is.EqualTo(150));
        using var d = DataClient.AcceptFrom(l);
        Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
    }

    [Test]
    public void PasvEnableNoRefusesPassiveModeAndKeepsPort()
    {
        using var server = ServerProcess.Start("pasv_enable=NO");
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "f"), 1000);
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("PASV").ToString(), Is.EqualTo("550 Permission denied."));
        Assert.That(c.Command("EPSV").ToString(), Is.EqualTo("550 Permission denied."));
        ActiveRetr(c, sha);
    }

    [Test]
    public void PortEnableNoRefusesActiveModeAndKeepsPasv()
    {
        using var server = ServerProcess.Start("port_enable=NO");
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "f"), 1000);
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("PORT 127,0,0,1,200,10").ToString(), Is.EqualTo("550 Permission denied."));
        Assert.That(c.Command("EPRT |1|127.0.0.1|51210|").ToString(), Is.EqualTo("550 Permission denied."));
        Assert.That(c.Command("RETR f").ToString(), Is.EqualTo("425 Use PORT or PASV first."), "nothing was set");
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("RETR f").Code, Is.EqualTo(150));
        Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
    }

    [Test]
    public void PasvPromiscuousLetsAnotherAddressTakeTheDataConnection()
    {
        using var server = ServerProcess.Start("pasv_promiscuous=YES");
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "f"), 5000);
        using var c = DataClient.LoggedIn(server);
        using var d = DataClient.Pasv(c, from: Other); // refused with the default NO (DataConnectionTests)
        Assert.That(c.Command("RETR f").Code, Is.EqualTo(150));
        Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(server.LogBarrier(), Does.Not.Contain("refused a data connection"));
    }

    [Test]
    public void PasvPortRangeIsUsedAndAPortThatCannotBeBoundIs425()
    {
        // The range is one port, held by a listener of the test: PASV cannot bind it.
        var hold = new TcpListener(IPAddress.Loopback, 0);
        hold.Start();
        int port = ((IPEndPoint)hold.LocalEndpoint).Port;
        try
        {
            using var server = ServerProcess.Start($"pasv_min_port={port}", $"pasv_max_port={port}");
            string sha = DataClient.RandomFile(Path.Combine(server.Root, "f"), 1000);
            using var c = DataClient.LoggedIn(server);
            Assert.That(c.Command("PASV").ToString(), Is.EqualTo("425 Could not listen for a passive connection."));
            Assert.That(c.Command("EPSV").ToString(), Is.EqualTo("425 Could not listen for a passive connection."));
            Assert.That(c.Command("NOOP").Code, Is.EqualTo(200), "the session goes on");
            hold.Stop(); // now the range's one port is free
            var r = c.Command("PASV");
            Assert.That(r.Text, Does.EndWith($",{port >> 8},{port & 255})."), r.ToString());
            using var d = DataClient.ConnectTo(new IPEndPoint(IPAddress.Loopback, port));
            Assert.That(c.Command("RETR f").Code, Is.EqualTo(150));
            Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
            Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        }
        finally
        {
            hold.Stop();
        }
    }

    [Test]
    public void PasvAddressIsTheAddressPasvShows()
    {
        using var server = ServerProcess.Start("pasv_address=127.0.0.3");
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "f"), 1000);
        using var c = DataClient.LoggedIn(server);
        var r = c.Command("PASV");
        Assert.That(r.Text, Does.StartWith("Entering Passive Mode (127,0,0,3,"), r.ToString());
        // The server still listens on the control connection's address (a NAT would map the shown one).
        var n = r.Text[(r.Text.IndexOf('(') + 1)..r.Text.IndexOf(')')].Split(',').Select(int.Parse).ToArray();
        using var d = DataClient.ConnectTo(new IPEndPoint(IPAddress.Loopback, n[4] * 256 + n[5]));
        Assert.That(c.Command("RETR f").Code, Is.EqualTo(150));
        Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
    }

    [TestCase("YES")]
    [TestCase("NO")]
    public void ConnectFromPort20UsesFtpDataPortAsTheSource(string value)
    {
        // ftp_data_port: a port of the test's choosing (20 needs a privilege the session does not keep).
        int source = ServerProcess.FreePort();
        using var server = ServerProcess.Start($"connect_from_port_20={value}", $"ftp_data_port={source}");
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "f"), 1000);
        using var c = DataClient.LoggedIn(server);
        using var l = DataClient.Active(c);
        Assert.That(c.Command("RETR f").Code, Is.EqualTo(150));
        using var d = DataClient.AcceptFrom(l);
        int from = ((IPEndPoint)d.RemoteEndPoint!).Port;
        Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        if (value == "YES") Assert.That(from, Is.EqualTo(source), server.Log);
        else Assert.That(from, Is.Not.EqualTo(source));
    }
}
