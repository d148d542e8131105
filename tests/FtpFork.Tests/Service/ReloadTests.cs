// SIGHUP: the config read again (file and -o overrides), applied whole or not at all; new clients get it, live sessions keep theirs.
using System.Net.Sockets;
using FtpFork.Tests.Harness;
using FtpFork.Tests.Model;
using NUnit.Framework;

namespace FtpFork.Tests.Service;

[TestFixture, Parallelizable(ParallelScope.All)]
public class ReloadTests
{
    private static void Hup(ServerProcess s) => ProcTools.Signal(s.Pid, 1);

    private static string Greeting(ServerProcess s)
    {
        using var c = s.Connect();
        return c.ReadReply().ToString();
    }

    [Test]
    public void NewClientsGetTheNewConfigLiveSessionsKeepTheirsAndIdleWorkersAreReplaced()
    {
        using var server = ServerProcess.Start(new ServerProcess.StartOptions(Args: new[] { "-o", "ftpd_banner=from -o" }), "max_per_ip=20");
        DataClient.RandomFile(Path.Combine(server.Root, "f.bin"), 10);
        using var live = DataClient.LoggedIn(server);
        ModelTools.WaitPool(server, 2, atLeast: true); // a first client may have grown the pool for a while
        var before = ModelTools.PoolWorkers(server);
        Assert.That(Greeting(server), Is.EqualTo("220 from -o"));

        server.EditConfig(new[] { "cmds_denied=SIZE", "ftpd_banner=from the file" });
        Hup(server);
        Assert.That(server.LogShows("SIGHUP: reloaded " + server.ConfigPath + " (changed: cmds_denied)"), Is.True, server.Log);
        Assert.That(server.Log, Does.Match(@"[1-9]\d* idle pool worker\(s\) replaced"));
        Assert.That(ProcTools.WaitUntil(() => !before.Any(ProcTools.Exists) && ModelTools.PoolWorkers(server).Count >= 2, ModelTools.Wait),
            Is.True, "the pool workers of the old config left and were replaced" + ModelTools.Why(server));

        Assert.That(Greeting(server), Is.EqualTo("220 from -o"), "the -o override still wins over the file");
        using var fresh = DataClient.LoggedIn(server);
        Assert.That(fresh.Command("SIZE f.bin").Code, Is.EqualTo(550), "a new session has cmds_denied=SIZE");
        Assert.That(live.Command("SIZE f.bin").Code, Is.EqualTo(213), "the live session keeps the config it started with");
    }

    [Test]
    public void ABadConfigIsRefusedWithFileLineKeyAndTheMasterGoesOnAsItWas()
    {
        using var server = ServerProcess.Start("ftpd_banner=old");
        ModelTools.WaitPool(server, 2);
        var before = ModelTools.PoolWorkers(server);
        server.EditConfig(new[] { "ftpd_banner=new", "max_clients=many" }, "ftpd_banner");
        int line = File.ReadAllLines(server.ConfigPath).Length;
        Hup(server);
        Assert.That(server.LogShows($"SIGHUP: {server.ConfigPath}:{line}: max_clients:"), Is.True, server.Log);
        Assert.That(server.Log, Does.Contain("still running with the configuration as it was"));
        Assert.That(ModelTools.PoolWorkers(server), Is.EquivalentTo(before), "nothing was replaced");
        Assert.That(Greeting(server), Is.EqualTo("220 old"));
    }

    [Test]
    public void AChangedPortIsBoundBeforeTheOldClosesAndABusyOneIsRefused()
    {
        using var server = ServerProcess.Start();
        using var busy = new TcpListenerHolder();
        server.EditConfig(new[] { $"listen_port={busy.Port}" }, "listen_port");
        Hup(server);
        Assert.That(server.LogShows($"SIGHUP: cannot listen on 127.0.0.1:{busy.Port}"), Is.True, server.Log);
        Assert.That(server.Log, Does.Contain($"still running with the configuration as it was, listening on 127.0.0.1:{server.Port}"));
        Assert.That(Greeting(server), Does.StartWith("220 "));

        using var live = DataClient.LoggedIn(server);
        int port = ServerProcess.FreePort();
        server.EditConfig(new[] { $"listen_port={port}" }, "listen_port");
        Hup(server);
        Assert.That(server.LogShows($"listening on 127.0.0.1:{port};"), Is.True, server.Log);
        using (var c = FtpTestClient.Connect(port)) Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        var e = Assert.Throws<SocketException>(() => FtpTestClient.Connect(server.Port));
        Assert.That(e!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused), "the old port is closed");
        Assert.That(live.Command("NOOP").Code, Is.EqualTo(200), "a session of the old port goes on");
    }

    [Test]
    public void LogFilesAreOpenedAgainSoARotatedLogStartsAnew()
    {
        using var server = ServerProcess.Start();
        string log = Path.Combine(server.Dir, "vsftpd.log"); // in the server's own dir, known once it runs
        server.EditConfig(new[] { "xferlog_enable=YES", $"vsftpd_log_file={log}" });
        Hup(server);
        Assert.That(server.LogShows("SIGHUP: reloaded"), Is.True, server.Log);
        using (var c = DataClient.LoggedIn(server)) c.Command("QUIT");
        Assert.That(ProcTools.WaitUntil(() => File.Exists(log) && File.ReadAllText(log).Contains("OK LOGIN"), ModelTools.Wait), Is.True);
        File.Move(log, log + ".1"); // what logrotate does, then it sends SIGHUP
        Hup(server);
        Assert.That(ProcTools.WaitUntil(() => server.Log.Split("SIGHUP: reloaded").Length == 3, ModelTools.Wait), Is.True, server.Log);
        using (var c = DataClient.LoggedIn(server)) c.Command("QUIT");
        Assert.That(ProcTools.WaitUntil(() => File.Exists(log) && File.ReadAllText(log).Contains("OK LOGIN"), ModelTools.Wait), Is.True,
            "a new file after the rotation");
        Assert.That(File.ReadAllLines(log + ".1").Count(l => l.Contains("OK LOGIN")), Is.EqualTo(1), "the rotated file got nothing more");
    }

    /// <summary>A port held by someone else (the test) for the duration.</summary>
    private sealed class TcpListenerHolder : IDisposable
    {
        private readonly System.Net.Sockets.TcpListener _l = new(System.Net.IPAddress.Loopback, 0);
        public TcpListenerHolder() => _l.Start();
        public int Port => ((System.Net.IPEndPoint)_l.LocalEndpoint).Port;
        public void Dispose() => _l.Stop();
    }
}
