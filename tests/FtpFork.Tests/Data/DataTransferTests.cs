// Transfers over raw sockets: REST, APPE, STOU, ASCII both ways, ABOR mid-RETR, and each error reply.
using System.Net.Sockets;
using System.Text;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests;

[TestFixture, Parallelizable(ParallelScope.All)]
public class DataTransferTests
{
    private static readonly string[] Writable = DataClient.AnonWritable;

    [Test]
    public void RestResumesRetrAtTheOffset()
    {
        using var server = ServerProcess.Start(Writable);
        DataClient.RandomFile(Path.Combine(server.Root, "r.bin"), 100_000);
        var all = File.ReadAllBytes(Path.Combine(server.Root, "r.bin"));
        using var c = DataClient.LoggedIn(server);
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("REST 60000").Text, Is.EqualTo("Restart position accepted (60000)."));
        Assert.That(c.Command("RETR r.bin").Code, Is.EqualTo(150));
        var got = DataClient.ReadAll(d);
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(DataClient.Sha(got), Is.EqualTo(DataClient.Sha(all[60000..])));
    }

    [Test]
    public void VsftpdLogFileGetsOneVsftpdLinePerTransfer()
    {
        string log = Path.Combine(Path.GetTempPath(), $"ftpfork-xfer-{Guid.NewGuid():N}.log");
        using var cleanup = new TempFile(log);
        using var server = ServerProcess.Start("xferlog_enable=YES", $"vsftpd_log_file={log}");
        DataClient.RandomFile(Path.Combine(server.Root, "x.bin"), 1000);
        using var c = DataClient.LoggedIn(server);
        using (var d = DataClient.Pasv(c))
        {
            Assert.That(c.Command("RETR x.bin").Code, Is.EqualTo(150));
            Assert.That(DataClient.ReadAll(d), Has.Length.EqualTo(1000));
        }
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        // Written by the master from the worker's record (the worker holds no log): root-owned, 0600.
        Assert.That(ProcTools.WaitUntil(() => File.Exists(log) && File.ReadAllText(log).Contains("DOWNLOAD"), TimeSpan.FromSeconds(5)), Is.True);
        string[] lines = File.ReadAllLines(log).Where(l => l.Contains("DOWNLOAD")).ToArray();
        Assert.That(lines, Has.Length.EqualTo(1));
        Assert.That(lines[0], Does.Match(@"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} \[pid \d+\] \[ftp\] OK DOWNLOAD: Client ""127\.0\.0\.1"", ""/x\.bin"", 1000 bytes, [\d.]+Kbyte/sec$"));
        if (ServerProcess.AsRoot) Assert.That(File.GetUnixFileMode(log), Is.EqualTo((UnixFileMode)Convert.ToInt32("600", 8)));
    }

    private sealed class TempFile(string path) : IDisposable
    {
        public void Dispose() => File.Delete(path);
    }

    [Test]
    public void LockUploadFilesKeepsADownloadWaitingWhileTheFileIsWriteLocked()
    {
        using var server = ServerProcess.Start();
        string file = Path.Combine(server.Root, "busy.bin");
        DataClient.RandomFile(file, 5000);
        using var holder = HoldWriteLock(file);
        using var c = DataClient.LoggedIn(server);
        using var d = DataClient.Pasv(c);
        c.SendLine("RETR busy.bin");
        Assert.Throws<TimeoutException>(() => c.ReadReply(1500), "no 150 while the file is write-locked");
        holder.StandardInput.Close(); // the writer is done
        Assert.That(c.ReadReply().Code, Is.EqualTo(150));
        Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(DataClient.Sha(File.ReadAllBytes(file))));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        holder.WaitForExit();
    }

    /// <summary>Another writer, as an upload would be: python3 holds an exclusive fcntl lock on the file until its stdin closes.</summary>
    private static System.Diagnostics.Process HoldWriteLock(string file)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("python3", new[] { "-c",
            "import fcntl,sys; f=open(sys.argv[1],'r+b'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()", file })
        { RedirectStandardInput = true, RedirectStandardOutput = true };
        var holder = System.Diagnostics.Process.Start(psi)!;
        Assert.That(holder.StandardOutput.ReadLine(), Is.EqualTo("locked"));
        return holder;
    }

    [Test]
    public void LockUploadFilesOffDoesNotWait()
    {
        using var server = ServerProcess.Start("lock_upload_files=NO");
        string file = Path.Combine(server.Root, "busy.bin");
        DataClient.RandomFile(file, 5000);
        using var holder = HoldWriteLock(file);
        using var c = DataClient.LoggedIn(server);
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("RETR busy.bin").Code, Is.EqualTo(150));
        Assert.That(DataClient.ReadAll(d), Has.Length.EqualTo(5000));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        holder.StandardInput.Close();
        holder.WaitForExit();
    }

    [TestCase("xferlog_std_format=YES", "xferlog_file")]
    [TestCase("xferlog_std_format=NO", "vsftpd_log_file")]
    public void ALogFileThatCannotBeOpenedStopsTheStart(string format, string key)
    {
        var e = Assert.Throws<InvalidOperationException>(() => ServerProcess.Start("xferlog_enable=YES", format, $"{key}=/nonexistent/dir/x.log"));
        Assert.That(e!.Message, Does.Contain($"cannot start: {key}: open /nonexistent/dir/x.log"));
    }

    [Test]
    public void RestResumesStorAtTheOffsetAndAppeAppends()
    {
        using var server = ServerProcess.Start(Writable);
        string path = Path.Combine(server.Root, "pub", "s.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("0123456789"));
        DataClient.WritableDir(server, "s.bin");
        using var c = DataClient.LoggedIn(server);
        var d = DataClient.Pasv(c);
        Assert.That(c.Command("REST 4").Code, Is.EqualTo(350));
        Assert.That(c.Command("STOR pub/s.bin").Text, Is.EqualTo("Ok to send data."));
        DataClient.WriteAllAndClose(d, Encoding.ASCII.GetBytes("abc"));
        Assert.That(c.ReadReply().Text, Is.EqualTo("Transfer complete."));
        Assert.That(File.ReadAllText(path), Is.EqualTo("0123abc789"));

        d = DataClient.Pasv(c);
        Assert.That(c.Command("APPE pub/s.bin").Code, Is.EqualTo(150));
        DataClient.WriteAllAndClose(d, Encoding.ASCII.GetBytes("XYZ"));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(File.ReadAllText(path), Is.EqualTo("0123abc789XYZ"));

        d = DataClient.Pasv(c); // a plain STOR truncates
        Assert.That(c.Command("STOR pub/s.bin").Code, Is.EqualTo(150));
        DataClient.WriteAllAndClose(d, Encoding.ASCII.GetBytes("new"));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
    }

    [Test]
    public void StouNeverOverwrites()
    {
        using var server = ServerProcess.Start(Writable);
        DataClient.WritableDir(server);
        File.WriteAllText(Path.Combine(server.Root, "pub", "u.txt"), "old");
        using var c = DataClient.LoggedIn(server);
        var d = DataClient.Pasv(c);
        Assert.That(c.Command("STOU pub/u.txt").Text, Is.EqualTo("FILE: u.txt.1"));
        DataClient.WriteAllAndClose(d, Encoding.ASCII.GetBytes("new"));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(File.ReadAllText(Path.Combine(server.Root, "pub", "u.txt")), Is.EqualTo("old"));
        Assert.That(File.ReadAllText(Path.Combine(server.Root, "pub", "u.txt.1")), Is.EqualTo("new"));
    }

    [Test]
    public void AsciiConvertsBothWays()
    {
        using var server = ServerProcess.Start(Writable);
        DataClient.WritableDir(server);
        File.WriteAllText(Path.Combine(server.Root, "t.txt"), "one\ntwo\r\nthree\n");
        File.SetUnixFileMode(Path.Combine(server.Root, "t.txt"), (UnixFileMode)0b110_100_100);
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("TYPE A").Code, Is.EqualTo(200));
        var d = DataClient.Pasv(c);
        Assert.That(c.Command("RETR t.txt").Text, Does.StartWith("Opening ASCII mode data connection for t.txt (15 bytes)."));
        Assert.That(Encoding.ASCII.GetString(DataClient.ReadAll(d)), Is.EqualTo("one\r\ntwo\r\nthree\r\n"));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));

        d = DataClient.Pasv(c);
        Assert.That(c.Command("STOR pub/up.txt").Code, Is.EqualTo(150));
        DataClient.WriteAllAndClose(d, Encoding.ASCII.GetBytes("a\r\nb\rc\r\n\r"));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(File.ReadAllText(Path.Combine(server.Root, "pub", "up.txt")), Is.EqualTo("a\nb\rc\n\r"));

        using var d3 = DataClient.Pasv(c);
        Assert.That(c.Command("REST 3").Code, Is.EqualTo(350));
        Assert.That(c.Command("RETR t.txt").ToString(), Is.EqualTo("550 No support for resume of ASCII transfer."));
    }

    [Test]
    public void ErrorRepliesAreVsftpds()
    {
        using var server = ServerProcess.Start(Writable);
        DataClient.RandomFile(Path.Combine(server.Root, "x.bin"), 10);
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("RETR x.bin").ToString(), Is.EqualTo("425 Use PORT or PASV first."));
        Assert.That(c.Command("STOR y.bin").ToString(), Is.EqualTo("425 Use PORT or PASV first."));
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("RETR missing.bin").ToString(), Is.EqualTo("550 Failed to open file."));
        Assert.That(c.Command("RETR /").ToString(), Is.EqualTo("550 Failed to open file."));
        Assert.That(c.Command("STOR no/such/dir/f").ToString(), Is.EqualTo("553 Could not create file."));
        Assert.That(c.Command("ABOR").ToString(), Is.EqualTo("225 No transfer to ABOR."));
        Assert.That(c.Command("EPSV 3").ToString(), Is.EqualTo("522 Bad network protocol."));
        Assert.That(c.Command("PORT 1,2,3").ToString(), Is.EqualTo("500 Illegal PORT command."));
        Assert.That(c.Command("EPRT |1|127.0.0.1|").ToString(), Is.EqualTo("500 Bad EPRT command."));
        Assert.That(c.Command("EPRT |2|::1|5000|").ToString(), Is.EqualTo("500 Bad EPRT protocol."));
        Assert.That(c.Command("EPSV ALL").ToString(), Is.EqualTo("200 EPSV ALL ok."));
        Assert.That(c.Command("PASV").Code, Is.EqualTo(550));
        Assert.That(c.Command("PORT 127,0,0,1,200,1").Code, Is.EqualTo(550));
        Assert.That(c.Command("EPRT |1|127.0.0.1|51201|").Code, Is.EqualTo(550));
        Assert.That(c.Command("EPSV").Code, Is.EqualTo(229));
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
    }

    [Test]
    public void UploadsAreRefusedWithoutWriteEnable()
    {
        using var server = ServerProcess.Start();
        using var c = DataClient.LoggedIn(server);
        foreach (var verb in new[] { "STOR a", "APPE a", "STOU a" })
            Assert.That(c.Command(verb).ToString(), Is.EqualTo("550 Permission denied."), verb);
        Assert.That(File.Exists(Path.Combine(server.Root, "a")), Is.False);
    }

    [Test]
    public void ClientClosingMidRetrGets426AndTheSessionGoesOn()
    {
        using var server = ServerProcess.Start(Writable);
        DataClient.RandomFile(Path.Combine(server.Root, "big.bin"), 32 << 20);
        using var c = DataClient.LoggedIn(server);
        var d = DataClient.Pasv(c, receiveBuffer: 8192);
        Assert.That(c.Command("RETR big.bin").Code, Is.EqualTo(150));
        d.Receive(new byte[1000]);
        d.LingerState = new LingerOption(true, 0); // reset, so the server's send fails at once
        d.Dispose();
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("426 Failure writing network stream."));
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
    }

    /// <summary>A RETR of a 32 MiB big.bin that has started moving, its reader holding back (small buffer).</summary>
    private static (FtpTestClient C, Socket D) BigRetrUnderWay(ServerProcess server)
    {
        DataClient.RandomFile(Path.Combine(server.Root, "big.bin"), 32 << 20);
        var c = DataClient.LoggedIn(server);
        var d = DataClient.Pasv(c, receiveBuffer: 8192);
        Assert.That(c.Command("RETR big.bin").Code, Is.EqualTo(150));
        Assert.That(d.Receive(new byte[1000]), Is.GreaterThan(0));
        return (c, d);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AborMidRetrStopsItAndTheSessionGoesOn(bool telnetSynch)
    {
        using var server = ServerProcess.Start(Writable);
        var (c, d) = BigRetrUnderWay(server);
        using var _c = c;
        using var _d = d;
        if (telnetSynch)
        {
            c.SendRaw(new byte[] { 0xFF, 0xF4, 0xFF }); // IAC IP, IAC ...
            c.Socket.Send(new byte[] { 0xF2 }, SocketFlags.OutOfBand); // ... DM as urgent data (Synch)
        }
        c.SendLine("ABOR");
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("426 Failure writing network stream."));
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("226 ABOR successful."));
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
        using var d2 = DataClient.Pasv(c); // and the next transfer works
        Assert.That(c.Command("RETR big.bin").Code, Is.EqualTo(150));
        Assert.That(DataClient.ReadAll(d2).Length, Is.EqualTo(32 << 20));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
    }

    [Test]
    public void AborBehindAnotherCommandStillStopsTheTransfer()
    {
        using var server = ServerProcess.Start(Writable);
        var (c, d) = BigRetrUnderWay(server);
        using var _c = c;
        using var _d = d;
        c.SendRaw(System.Text.Encoding.ASCII.GetBytes("NOOP\r\nABOR\r\n")); // one burst, ABOR second
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("426 Failure writing network stream."));
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("226 ABOR successful."));
        Assert.That(c.ReadReply().Code, Is.EqualTo(200), "the NOOP is answered after the transfer");
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
    }

    [Test]
    public void CommandsSentMidTransferAreAnsweredAfterIt()
    {
        using var server = ServerProcess.Start(Writable);
        DataClient.RandomFile(Path.Combine(server.Root, "m.bin"), 8 << 20);
        using var c = DataClient.LoggedIn(server);
        using var d = DataClient.Pasv(c, receiveBuffer: 8192);
        Assert.That(c.Command("RETR m.bin").Code, Is.EqualTo(150));
        c.SendLine("NOOP");
        c.SendLine("PWD");
        Assert.That(DataClient.ReadAll(d).Length, Is.EqualTo(8 << 20));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(c.ReadReply().Code, Is.EqualTo(200));
        Assert.That(c.ReadReply().Code, Is.EqualTo(257));
    }

    [Test]
    public void DiskFullGets452AndKeepsWhatWasWritten()
    {
        Need.Root(); // to mount a small tmpfs; as root a mount that fails is a failure, not a skip
        using var server = ServerProcess.Start(Writable);
        string small = Path.Combine(DataClient.WritableDir(server), "small");
        Directory.CreateDirectory(small);
        var m = RunTool.Run("mount", new[] { "-t", "tmpfs", "-o", "size=256k,mode=0777", "tmpfs", small });
        Assert.That(m.ExitCode, Is.Zero, "mount a 256 KiB tmpfs: " + m.Stderr);
        try
        {
            using var c = DataClient.LoggedIn(server);
            var d = DataClient.Pasv(c);
            Assert.That(c.Command("STOR pub/small/f.bin").Code, Is.EqualTo(150));
            try { DataClient.WriteAllAndClose(d, new byte[1 << 20]); } catch (SocketException) { }
            Assert.That(c.ReadReply().Code, Is.EqualTo(452));
            Assert.That(new FileInfo(Path.Combine(small, "f.bin")).Length, Is.GreaterThan(0));
            Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
        }
        finally
        {
            RunTool.Run("umount", new[] { small });
        }
    }
}
