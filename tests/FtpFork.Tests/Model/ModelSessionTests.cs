// One session against the real master: banner, anonymous login (raw, ftplib, curl), replies to bad input.
using System.Text;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class ModelSessionTests
{
    [Test]
    public void RawBannerLoginAndQuit()
    {
        using var s = ServerProcess.Start("ftpd_banner=Model test banner");
        using var c = s.Connect();
        Assert.That(c.ReadLine(), Is.EqualTo("220 Model test banner"));
        Assert.That(c.Command("USER anonymous").ToString(), Is.EqualTo("331 Please specify the password."));
        Assert.That(c.Command("PASS a@b").ToString(), Is.EqualTo("230 Login successful."));
        Assert.That(c.Command("PWD").ToString(), Is.EqualTo("257 \"/\" is the current directory"));
        Assert.That(c.Command("SYST").ToString(), Is.EqualTo("215 UNIX Type: L8"));
        Assert.That(c.Command("QUIT").ToString(), Is.EqualTo("221 Goodbye."));
        Assert.That(c.WaitForClose(5000), Is.True);
    }

    [Test]
    public void PythonFtplibLogsIn()
    {
        using var s = ServerProcess.Start();
        var r = RunTool.Python(
            "import ftplib\n" +
            $"f = ftplib.FTP(); print(f.connect('127.0.0.1', {s.Port}, timeout=10)); print(f.login())\n" +
            "print(f.pwd()); print(f.sendcmd('NOOP')); print(f.quit())\n", 30000);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Is.EqualTo("220 (FtpFork 0.1.0)\n230 Login successful.\n/\n200 NOOP ok.\n221 Goodbye.\n"));
    }

    [Test]
    public void CurlGetsBannerAndLogsIn()
    {
        using var s = ServerProcess.Start();
        var r = RunTool.Run("curl", new[] { "-s", "-v", $"ftp://127.0.0.1:{s.Port}/", "-Q", "NOOP", "--max-time", "5", "-o", "/dev/null" }, 30000);
        var lines = r.Stderr.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.That(lines, Does.Contain("< 220 (FtpFork 0.1.0)"), r.Stderr);
        Assert.That(lines, Does.Contain("> USER anonymous"), r.Stderr);
        Assert.That(lines, Does.Contain("< 230 Login successful."), r.Stderr);
        Assert.That(lines, Does.Contain("< 200 NOOP ok."), r.Stderr);
    }

    [Test]
    public void CurlListsTheRoot()
    {
        using var s = ServerProcess.Start();
        File.WriteAllText(Path.Combine(s.Root, "model-listed.txt"), "x");
        var r = RunTool.Run("curl", new[] { "-s", $"ftp://127.0.0.1:{s.Port}/", "--max-time", "10" }, 30000);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("model-listed.txt"));
    }

    [Test]
    public void UnknownCommandKnownBeforeLoginAndBadLines()
    {
        using var s = ServerProcess.Start();
        using var c = s.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Command("XYZZY").ToString(), Is.EqualTo("500 Unknown command."));
        Assert.That(c.Command("PWD").ToString(), Is.EqualTo("530 Please login with USER and PASS."));
        Assert.That(c.Command("PASS x").ToString(), Is.EqualTo("503 Login with USER first."));
        c.SendRaw(Encoding.ASCII.GetBytes(new string('A', 5000) + "\r\n"));
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("500 Command line too long."));
        Assert.That(c.Command("NOOP").ToString(), Is.EqualTo("200 NOOP ok."));
        c.SendRaw(new byte[] { (byte)'N', (byte)'O', 0, (byte)'P', 13, 10 });
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("500 Command line contains a NUL byte."));
        c.SendRaw(new byte[] { (byte)'C', (byte)'W', (byte)'D', (byte)' ', 0xC3, 0x28, 13, 10 });
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("500 Command line is not valid UTF-8."));
        Assert.That(c.Login().Code, Is.EqualTo(230), "the session goes on after every bad line");
        Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
    }

    [Test]
    public void IdleTimeoutSends421AndCloses()
    {
        using var s = ServerProcess.Start("idle_session_timeout=2");
        using var c = s.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Command("USER anonymous").Code, Is.EqualTo(331));
        // From before the last command is sent: the alarm is armed after its reply, so 2 s at least.
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(c.Command("PASS x@y").Code, Is.EqualTo(230));
        Assert.That(c.ReadLine(8000), Is.EqualTo("421 Timeout."));
        double elapsed = sw.Elapsed.TotalSeconds;
        Assert.That(c.WaitForClose(2000), Is.True, "EOF after the 421");
        Assert.That(elapsed, Is.InRange(1.95, 6.0), "idle_session_timeout=2");
        Assert.That(ProcTools.WaitUntil(() => ModelTools.SessionWorkers(s).Count == 0
            && System.Text.RegularExpressions.Regex.IsMatch(s.Log, @"worker \d+ exited \(exit 1\), client 127\.0\.0\.1"), ModelTools.Wait),
            Is.True, "the worker exits with a failure status and is reaped" + ModelTools.Why(s));
    }

    [Test]
    public void IdleTimeoutAlsoBeforeLogin()
    {
        using var s = ServerProcess.Start("idle_session_timeout=1");
        using var c = s.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.ReadLine(5000), Is.EqualTo("421 Timeout."));
        Assert.That(c.WaitForClose(2000), Is.True);
    }

    [Test]
    public void NoopEverySecondKeepsTheSession()
    {
        using var s = ServerProcess.Start("idle_session_timeout=2");
        using var c = ModelTools.LoggedIn(s);
        for (int i = 0; i < 5; i++)
        {
            // One second of silence from the server (a read with a deadline), then a command.
            Assert.That(c.Socket.Poll(1_000_000, System.Net.Sockets.SelectMode.SelectRead), Is.False, $"unexpected data after {i} s");
            Assert.That(c.Command("NOOP").ToString(), Is.EqualTo("200 NOOP ok."));
        }
        Assert.That(c.Command("PWD").Code, Is.EqualTo(257));
    }

    [Test]
    public void ZeroIdleTimeoutIsOff()
    {
        // The server's timeout is 2 s; anonymous's user_config_dir file sets 0. A session that kept
        // 2 s (or read 0 as any number of seconds under 3.5) is cut where the test waits.
        string dir = Directory.CreateTempSubdirectory("ftpfork-userconf-").FullName;
        File.WriteAllText(Path.Combine(dir, "anonymous"), "idle_session_timeout=0\n");
        using var s = ServerProcess.Start("idle_session_timeout=2", $"user_config_dir={dir}");
        using var pre = s.Connect();
        Assert.That(pre.ReadReply().Code, Is.EqualTo(220));
        using var c = ModelTools.LoggedIn(s);
        Assert.That(pre.ReadLine(6000), Is.EqualTo("421 Timeout."), "the server's own timeout holds before login");
        Assert.That(c.Socket.Poll(3_500_000, System.Net.Sockets.SelectMode.SelectRead), Is.False, "0: no idle timeout");
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
        Directory.Delete(dir, true);
    }
}
