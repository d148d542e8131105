// `ftpfork who`: live numbers during a slow transfer, every session listed, --kick ends one with 421, the socket's rights.
using System.Net;
using System.Text.Json;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Service;

[TestFixture, Parallelizable(ParallelScope.All)]
public class WhoTests
{
    private static ToolResult Who(ServerProcess s, params string[] args) =>
        RunTool.Run(ServerProcess.MasterPath, new[] { "who", "--socket", s.AdminSocket }.Concat(args), 20000);

    private static JsonElement[] Sessions(ServerProcess s)
    {
        var r = Who(s, "--json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.That(doc.RootElement.GetProperty("master").GetProperty("pid").GetInt32(), Is.EqualTo(s.Pid));
        return doc.RootElement.GetProperty("sessions").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Test]
    public void BytesGrowBetweenTwoReadsDuringASlowRetr()
    {
        using var server = ServerProcess.Start("anon_max_rate=50000"); // 1 MB in 20 s: read twice well before the end
        DataClient.RandomFile(Path.Combine(server.Root, "big.bin"), 1_000_000);
        using var c = DataClient.LoggedIn(server);
        int port = ((IPEndPoint)c.Socket.LocalEndPoint!).Port;
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("RETR big.bin").Code, Is.EqualTo(150));
        var reader = Task.Run(() => DataClient.ReadAll(d));

        JsonElement first = default;
        Assert.That(ProcTools.WaitUntil(() => Sessions(server) is [var e] && e.GetProperty("state").GetString() == "RETR"
            && (first = e).GetProperty("bytes_done").GetInt64() > 0, TimeSpan.FromSeconds(10)), Is.True, "RETR under way");
        Assert.That(first.GetProperty("file").GetString(), Is.EqualTo("/big.bin"));
        Assert.That(first.GetProperty("bytes_total").GetInt64(), Is.EqualTo(1_000_000));
        Assert.That(first.GetProperty("user").GetString(), Is.EqualTo("ftp"));
        Assert.That(first.GetProperty("client").GetString(), Is.EqualTo("127.0.0.1"));
        Assert.That(first.GetProperty("port").GetInt32(), Is.EqualTo(port));
        Assert.That(first.GetProperty("tls").GetBoolean(), Is.False);
        long done1 = first.GetProperty("bytes_done").GetInt64();
        JsonElement second = default;
        Assert.That(ProcTools.WaitUntil(() => Sessions(server) is [var e] && (second = e).GetProperty("bytes_done").GetInt64() > done1
            && e.GetProperty("rate").GetInt64() > 0, TimeSpan.FromSeconds(10)), Is.True, "the bytes grew and a rate is known");
        Assert.That(second.GetProperty("bytes_done").GetInt64(), Is.LessThan(1_000_000), "read while the transfer runs");
        Assert.That(second.GetProperty("rate").GetInt64(), Is.InRange(10_000, 200_000), "about anon_max_rate");
        var table = Who(server);
        Assert.That(table.ExitCode, Is.EqualTo(0), table.Stderr);
        string[] lines = table.Stdout.TrimEnd('\n').Split('\n');
        Assert.That(lines[0], Does.Match(@"^PID +CLIENT +USER +STATE +DONE/TOTAL +RATE +IDLE +LOGIN +TLS +FILE$"));
        Assert.That(lines[1], Does.Match($@"^{first.GetProperty("pid").GetInt32()} +127\.0\.0\.1:{port} +ftp +RETR +[\d.]+K/976\.6K +[\d.]+K?/s +\d+s +\d\d:\d\d:\d\d +no +/big\.bin$"));
        c.SendLine("ABOR"); // no need to wait for the rest
        Assert.That(c.ReadReply().Code, Is.EqualTo(426));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
    }

    [Test]
    public void EverySessionIsListedAndKickEndsOneWith421()
    {
        using var server = ServerProcess.Start();
        using var a = DataClient.LoggedIn(server);
        using var b = server.Connect();
        Assert.That(b.ReadReply().Code, Is.EqualTo(220));
        JsonElement[] all = Array.Empty<JsonElement>();
        Assert.That(ProcTools.WaitUntil(() => (all = Sessions(server)).Length == 2 && all.Any(e => e.GetProperty("state").GetString() == "IDLE"),
            TimeSpan.FromSeconds(10)), Is.True, string.Join("\n", all));
        var idle = all.Single(e => e.GetProperty("state").GetString() == "IDLE");
        var before = all.Single(e => e.GetProperty("state").GetString() == "connected");
        Assert.That(idle.GetProperty("user").GetString(), Is.EqualTo("ftp"));
        Assert.That(idle.GetProperty("login_at").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(before.GetProperty("user").ValueKind, Is.EqualTo(JsonValueKind.Null), "not logged in");
        Assert.That(before.GetProperty("login_at").ValueKind, Is.EqualTo(JsonValueKind.Null));

        int pid = idle.GetProperty("pid").GetInt32();
        var k = Who(server, "--kick", pid.ToString());
        Assert.That(k.ExitCode, Is.EqualTo(0), k.Stderr);
        Assert.That(k.Stdout.Trim(), Is.EqualTo($"{{\"kicked\":{pid}}}"));
        Assert.That(a.ReadLine(), Is.EqualTo("421 Session ended by the administrator."));
        Assert.That(a.WaitForClose(5000), Is.True);
        Assert.That(b.Command("NOOP").Code, Is.EqualTo(200), "the other session goes on");
        Assert.That(ProcTools.WaitUntil(() => Sessions(server).Length == 1, TimeSpan.FromSeconds(10)), Is.True);

        var none = Who(server, "--kick", "1");
        Assert.That(none.ExitCode, Is.EqualTo(1));
        Assert.That(none.Stderr, Does.Contain("no session with pid 1"));
    }

    [Test]
    public void ATlsSessionSaysSoAndAPlainOneDoesNot()
    {
        using var server = ServerProcess.Start(TestCert.Rsa.Settings("allow_anon_ssl=YES"));
        using var tls = Tls.FtpsControl.Connect(server);
        Assert.That(tls.Command("USER anonymous"), Does.StartWith("331"));
        Assert.That(tls.Command("PASS x@"), Does.StartWith("230"));
        using var plain = DataClient.LoggedIn(server);
        int plainPort = ((IPEndPoint)plain.Socket.LocalEndPoint!).Port;
        JsonElement[] all = Array.Empty<JsonElement>();
        Assert.That(ProcTools.WaitUntil(() => (all = Sessions(server)).Length == 2 && all.All(e => e.GetProperty("state").GetString() == "IDLE"),
            TimeSpan.FromSeconds(10)), Is.True, string.Join("\n", all));
        Assert.That(all.Single(e => e.GetProperty("port").GetInt32() == tls.LocalPort).GetProperty("tls").GetBoolean(), Is.True);
        Assert.That(all.Single(e => e.GetProperty("port").GetInt32() == plainPort).GetProperty("tls").GetBoolean(), Is.False);
    }

    [Test]
    public void TheSocketIsTheMastersUsersOnlyOrItsGroupsAndGoesWithTheMaster()
    {
        Need.Root(); // another user to try with
        using (var server = ServerProcess.Start())
        {
            Assert.That(File.GetUnixFileMode(server.AdminSocket), Is.EqualTo((UnixFileMode)Convert.ToInt32("600", 8)));
            var r = RunTool.Run("setpriv", new[] { "--reuid=nobody", "--regid=nogroup", "--clear-groups", ServerProcess.MasterPath, "who", "--socket", server.AdminSocket });
            Assert.That(r.ExitCode, Is.EqualTo(1));
            Assert.That(r.Stderr, Does.Contain("cannot reach the master").And.Contain("ermission denied"));
            Assert.That(server.Terminate(TimeSpan.FromSeconds(20)), Is.EqualTo(0));
            Assert.That(File.Exists(server.AdminSocket) || Directory.Exists(server.AdminSocket), Is.False, "removed at the master's end");
        }
        using (var server = ServerProcess.Start("admin_socket_group=ftp"))
        {
            Assert.That(File.GetUnixFileMode(server.AdminSocket), Is.EqualTo((UnixFileMode)Convert.ToInt32("660", 8)));
            var r = RunTool.Run("setpriv", new[] { "--reuid=nobody", "--regid=nogroup", "--groups=ftp", ServerProcess.MasterPath, "who", "--socket", server.AdminSocket, "--json" });
            Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
            Assert.That(r.Stdout, Does.Contain("\"sessions\":[]"));
        }
    }
}
