// vsftpd's logs from the master: vsftpd_log_file, xferlog_std_format, dual_log_enable, syslog_enable; escaped; no worker holds a log.
using System.Text.RegularExpressions;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Service;

[TestFixture, Parallelizable(ParallelScope.All)]
public class LogTests
{
    private const string Date = @"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}";

    private static string[] Settings(string dir, params string[] more) => DataClient.AnonWritable
        .Concat(new[] { "anon_mkdir_write_enable=YES", $"vsftpd_log_file={dir}/vsftpd.log", $"xferlog_file={dir}/xferlog" })
        .Concat(more).ToArray();

    /// <summary>
    /// One anonymous session doing what vsftpd 3.0.3 logs (its lines for the same session were
    /// compared by hand): a download, a missing file, an upload, MKD, RMD, RNFR/RNTO, DELE twice.
    /// Returns the worker's pid.
    /// </summary>
    private static void Session(ServerProcess server)
    {
        DataClient.WritableDir(server);
        DataClient.RandomFile(Path.Combine(server.Root, "x.bin"), 1000);
        File.WriteAllText(Path.Combine(server.Root, "a b.txt"), "hello\n");
        File.SetUnixFileMode(Path.Combine(server.Root, "a b.txt"), (UnixFileMode)Convert.ToInt32("644", 8));
        using var c = FtpTestClient.Connect(server.Port);
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Login("anonymous", "me@x").Code, Is.EqualTo(230));
        Assert.That(c.Command("TYPE I").Code, Is.EqualTo(200));
        using (var d = DataClient.Pasv(c))
        {
            Assert.That(c.Command("RETR x.bin").Code, Is.EqualTo(150));
            Assert.That(DataClient.ReadAll(d), Has.Length.EqualTo(1000));
        }
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        using (DataClient.Pasv(c)) Assert.That(c.Command("RETR missing.bin").Code, Is.EqualTo(550));
        var up = DataClient.Pasv(c);
        Assert.That(c.Command("STOR pub/u.bin").Code, Is.EqualTo(150));
        DataClient.WriteAllAndClose(up, new byte[3000]);
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(c.Command("MKD pub/d").Code, Is.EqualTo(257));
        Assert.That(c.Command("RMD /pub/d").Code, Is.EqualTo(250));
        Assert.That(c.Command("RNFR pub/u.bin").Code, Is.EqualTo(350));
        Assert.That(c.Command("RNTO pub/v.bin").Code, Is.EqualTo(250));
        Assert.That(c.Command("DELE pub/v.bin").Code, Is.EqualTo(250));
        Assert.That(c.Command("DELE pub/v.bin").Code, Is.EqualTo(550));
        Assert.That(c.Command("TYPE A").Code, Is.EqualTo(200));
        using (var d = DataClient.Pasv(c))
        {
            Assert.That(c.Command("RETR a b.txt").Code, Is.EqualTo(150));
            DataClient.ReadAll(d);
        }
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
    }

    /// <summary>The file's lines once it has <paramref name="n"/> (the master's writer thread writes them).</summary>
    private static string[] Lines(string path, int n)
    {
        string[] lines = Array.Empty<string>();
        ProcTools.WaitUntil(() => File.Exists(path) && (lines = File.ReadAllLines(path)).Length >= n, TimeSpan.FromSeconds(10));
        return lines;
    }

    private static readonly string[] VsftpdLines =
    {
        @"CONNECT: Client ""127\.0\.0\.1""",
        @"\[ftp\] OK LOGIN: Client ""127\.0\.0\.1"", anon password ""me@x""",
        @"\[ftp\] OK DOWNLOAD: Client ""127\.0\.0\.1"", ""/x\.bin"", 1000 bytes, \d+\.\d\dKbyte/sec",
        @"\[ftp\] FAIL DOWNLOAD: Client ""127\.0\.0\.1"", ""/missing\.bin"", 0\.00Kbyte/sec",
        @"\[ftp\] OK UPLOAD: Client ""127\.0\.0\.1"", ""/pub/u\.bin"", 3000 bytes, \d+\.\d\dKbyte/sec",
        @"\[ftp\] OK MKDIR: Client ""127\.0\.0\.1"", ""/pub/d""",
        @"\[ftp\] OK RMDIR: Client ""127\.0\.0\.1"", ""/pub/d""",
        @"\[ftp\] OK RENAME: Client ""127\.0\.0\.1"", ""/pub/u\.bin /pub/v\.bin""",
        @"\[ftp\] OK DELETE: Client ""127\.0\.0\.1"", ""/pub/v\.bin""",
        @"\[ftp\] FAIL DELETE: Client ""127\.0\.0\.1"", ""/pub/v\.bin""",
        @"\[ftp\] OK DOWNLOAD: Client ""127\.0\.0\.1"", ""/a b\.txt"", 7 bytes, \d+\.\d\dKbyte/sec",
    };

    private static void AssertVsftpdLines(string[] lines, string prefix)
    {
        Assert.That(lines, Has.Length.EqualTo(VsftpdLines.Length), string.Join("\n", lines));
        for (int i = 0; i < lines.Length; i++)
            Assert.That(lines[i], Does.Match("^" + prefix + VsftpdLines[i] + "$"), string.Join("\n", lines));
    }

    [Test]
    public void VsftpdLogFileGetsVsftpdsLinesForTheSessionAndNoXferlog()
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-log-").FullName;
        try
        {
            using var server = ServerProcess.Start(Settings(dir, "xferlog_enable=YES"));
            Session(server);
            string[] lines = Lines($"{dir}/vsftpd.log", VsftpdLines.Length);
            var pid = Regex.Match(lines[0], @"\[pid (\d+)\]").Groups[1].Value;
            AssertVsftpdLines(lines, $@"{Date} \[pid {pid}\] ");
            Assert.That(File.Exists($"{dir}/xferlog"), Is.False, "xferlog_std_format=NO: vsftpd's format only, in vsftpd_log_file");
            if (ServerProcess.AsRoot) Assert.That(File.GetUnixFileMode($"{dir}/vsftpd.log"), Is.EqualTo((UnixFileMode)Convert.ToInt32("600", 8)));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static readonly string[] XferlogFields =
    {
        @"1 127\.0\.0\.1 1000 /x\.bin b _ o a me@x ftp 0 \* c",
        @"1 127\.0\.0\.1 0 /missing\.bin b _ o a me@x ftp 0 \* i",
        @"1 127\.0\.0\.1 3000 /pub/u\.bin b _ i a me@x ftp 0 \* c",
        @"1 127\.0\.0\.1 7 /a_b\.txt a _ o a me@x ftp 0 \* c",
    };

    [TestCase(false)]
    [TestCase(true)]
    public void XferlogStdFormatWritesWuFtpdFieldsAndDualLogBothFiles(bool dual)
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-log-").FullName;
        try
        {
            using var server = ServerProcess.Start(Settings(dir, dual ? "dual_log_enable=YES" : "xferlog_enable=YES", $"xferlog_std_format={(dual ? "NO" : "YES")}"));
            Session(server);
            string[] lines = Lines($"{dir}/xferlog", XferlogFields.Length);
            Assert.That(lines, Has.Length.EqualTo(XferlogFields.Length), string.Join("\n", lines));
            for (int i = 0; i < lines.Length; i++)
                Assert.That(lines[i], Does.Match($"^{Date} {XferlogFields[i]}$"), string.Join("\n", lines));
            if (dual) AssertVsftpdLines(Lines($"{dir}/vsftpd.log", VsftpdLines.Length), $@"{Date} \[pid \d+\] ");
            else Assert.That(File.Exists($"{dir}/vsftpd.log"), Is.False, "xferlog_std_format=YES alone: no vsftpd log");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void SyslogEnableSendsVsftpdLinesToDevLogWithFacilityFtp()
    {
        Need.Root(); // a mount namespace
        Need.Tool("unshare", "util-linux");
        using var syslog = new SyslogSocket();
        string dir = Directory.CreateTempSubdirectory("ftpfork-log-").FullName;
        try
        {
            File.WriteAllText($"{dir}/banned", "bad@x\n");
            using var server = ServerProcess.Start(new ServerProcess.StartOptions(Wrapper: syslog.Wrapper),
                Settings(dir, "syslog_enable=YES", "xferlog_enable=YES", "deny_email_enable=YES", $"banned_email_file={dir}/banned"));
            Session(server);
            var got = syslog.ReceiveUntil("a b.txt");
            var ftp = got.Where(g => g.Contains(": Client ")).ToArray();
            Assert.That(ftp, Has.Length.EqualTo(VsftpdLines.Length), string.Join("\n", got));
            for (int i = 0; i < ftp.Length; i++)
                Assert.That(ftp[i], Does.Match(@"^<94>\w{3} [ \d]\d \d\d:\d\d:\d\d ftpfork\[\d+\]: " + VsftpdLines[i] + "$"), string.Join("\n", got));
            Assert.That(File.Exists($"{dir}/vsftpd.log"), Is.False, "syslog_enable: instead of vsftpd_log_file, as vsftpd");
            // A refused login is a warning (LOG_FTP | LOG_WARNING = 92), as vsftpd sends it.
            using var c = FtpTestClient.Connect(server.Port);
            Assert.That(c.ReadReply().Code, Is.EqualTo(220));
            Assert.That(c.Login("anonymous", "bad@x").Code, Is.EqualTo(530));
            var fail = syslog.ReceiveUntil("FAIL LOGIN");
            Assert.That(fail.Last(), Does.Match(@"^<92>.* ftpfork\[\d+\]: \[ftp\] FAIL LOGIN: Client ""127\.0\.0\.1"", anon password ""bad@x""$"), string.Join("\n", fail));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void ControlCharactersInANameCannotForgeALogLine()
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-log-").FullName;
        try
        {
            using var server = ServerProcess.Start(Settings(dir, "xferlog_enable=YES", "log_ftp_protocol=YES"));
            DataClient.WritableDir(server);
            using var c = DataClient.LoggedIn(server);
            var d = DataClient.Pasv(c);
            Assert.That(c.Command("STOR pub/ev\u001b[31mil\rFAKE [pid 1] [root] OK LOGIN\u0085x").Code, Is.EqualTo(150));
            DataClient.WriteAllAndClose(d, new byte[10]);
            Assert.That(c.ReadReply().Code, Is.EqualTo(226));
            Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
            string[] lines = Lines($"{dir}/vsftpd.log", 1);
            Assert.That(ProcTools.WaitUntil(() => File.ReadAllText($"{dir}/vsftpd.log").Contains("221 Goodbye."), TimeSpan.FromSeconds(10)), Is.True);
            string text = File.ReadAllText($"{dir}/vsftpd.log");
            Assert.That(text.Where(ch => ch < ' ' && ch != '\n' || ch is >= '\u007f' and <= '\u009f'), Is.Empty, "no control character reaches the file");
            foreach (var line in text.TrimEnd('\n').Split('\n'))
                Assert.That(line, Does.Match($@"^{Date} \[pid \d+\] (\[ftp\] )?(CONNECT|OK LOGIN|OK UPLOAD|FTP command|FTP response): Client ""127\.0\.0\.1"""), text);
            Assert.That(text, Does.Contain(@"OK UPLOAD: Client ""127.0.0.1"", ""/pub/ev\x1b[31mil\x0dFAKE [pid 1] [root] OK LOGIN\x85x"", 10 bytes"));
            Assert.That(text, Does.Contain(@"FTP command: Client ""127.0.0.1"", ""PASS <password>"""));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void NoWorkerHoldsALogFileAndTheirOutputGoesThroughTheMaster()
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-log-").FullName;
        try
        {
            using var server = ServerProcess.Start(Settings(dir, "dual_log_enable=YES", "local_enable=YES"));
            using var c = DataClient.LoggedIn(server);
            Assert.That(Lines($"{dir}/vsftpd.log", 2), Has.Length.EqualTo(2));
            var workers = ProcTools.Children(server.Pid).Where(p => ProcTools.State(p) != 'Z').ToList();
            Assert.That(workers, Is.Not.Empty);
            string masterErr = new FileInfo($"/proc/{server.Pid}/fd/2").LinkTarget!;
            foreach (int w in workers)
            {
                foreach (var fd in Directory.GetFileSystemEntries($"/proc/{w}/fd"))
                {
                    string? target = new FileInfo(fd).LinkTarget;
                    Assert.That(target, Does.Not.StartWith(dir), $"worker {w} fd {Path.GetFileName(fd)} is a log file");
                }
                string err = new FileInfo($"/proc/{w}/fd/2").LinkTarget!;
                Assert.That(err, Does.StartWith("pipe:").And.Not.EqualTo(masterErr), $"worker {w}: stderr is the master's pipe, not its log");
                Assert.That(new FileInfo($"/proc/{w}/fd/1").LinkTarget, Is.EqualTo(err));
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
