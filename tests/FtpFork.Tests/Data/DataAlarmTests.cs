// The data alarm: a slow download the client keeps taking is never cut; a stall is cut data_connection_timeout after its last byte.
using System.Diagnostics;
using System.Net.Sockets;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Data;

[TestFixture, Parallelizable(ParallelScope.All)]
public class DataAlarmTests
{
    /// <summary>Reads about <paramref name="bytesPerSecond"/> from <paramref name="data"/> for <paramref name="seconds"/>; false if the control connection spoke meanwhile.</summary>
    private static long ReadSlowly(Socket data, FtpTestClient c, int bytesPerSecond, double seconds, out string? spoke)
    {
        spoke = null;
        var buf = new byte[bytesPerSecond / 8];
        long got = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (c.Socket.Poll(0, SelectMode.SelectRead))
            {
                spoke = c.ReadLine(1000);
                return got;
            }
            if (data.Poll(100_000, SelectMode.SelectRead))
            {
                int n = data.Receive(buf);
                if (n == 0) return got;
                got += n;
            }
            // Paced: the next read when the average says so.
            long due = (long)(got * 1000.0 / bytesPerSecond) - clock.ElapsedMilliseconds;
            if (due > 0) Thread.Sleep((int)Math.Min(due, 250));
        }
        return got;
    }

    /// <summary>A world-readable 64 MiB file of zeros (sparse: nothing to write), more than any send queue holds.</summary>
    private static void BigFile(ServerProcess server)
    {
        string path = Path.Combine(server.Root, "big.bin");
        using (var f = File.Create(path)) f.SetLength(64 << 20);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("644", 8));
    }

    [Test]
    public void ASlowDownloadTheClientKeepsTakingIsNotCut()
    {
        // As the tester found: the worker's own write returns only when a third of a send queue of
        // megabytes has drained, far apart at 32 KB/s; the client took bytes all along.
        using var server = ServerProcess.Start("data_connection_timeout=2");
        BigFile(server);
        using var c = DataClient.LoggedIn(server);
        using var data = DataClient.Pasv(c, receiveBuffer: 16384);
        Assert.That(c.Command("RETR big.bin").Code, Is.EqualTo(150));
        long got = ReadSlowly(data, c, 32 * 1024, 12, out string? spoke);
        Assert.That(spoke, Is.Null, $"the server spoke after {got} bytes at 32 KB/s");
        Assert.That(got, Is.GreaterThan(150_000), "bytes kept coming");
    }

    [Test]
    public void AStalledDownloadIsCutATimeoutAfterItsLastByte()
    {
        const int timeout = 3;
        using var server = ServerProcess.Start($"data_connection_timeout={timeout}");
        BigFile(server);
        using var c = DataClient.LoggedIn(server);
        using var data = DataClient.Pasv(c, receiveBuffer: 16384);
        Assert.That(c.Command("RETR big.bin").Code, Is.EqualTo(150));
        // Moving until just after the first alarm would have found progress, then nothing taken.
        ReadSlowly(data, c, 256 * 1024, timeout + 0.4, out string? spoke);
        Assert.That(spoke, Is.Null);
        var stalled = Stopwatch.StartNew();
        Assert.That(c.ReadReply(20000).ToString(), Is.EqualTo("421 Data timeout. Reconnect. Sorry."));
        double after = stalled.Elapsed.TotalSeconds;
        TestContext.Progress.WriteLine($"download stall cut {after:F2} s after the client stopped taking bytes (timeout {timeout} s)");
        // vsftpd's rule cut it between T and 2T after the last byte (re-armed a full T after progress).
        Assert.That(after, Is.InRange(timeout - 0.25, timeout + 1.5));
    }

    [Test]
    public void AStalledUploadIsCutATimeoutAfterItsLastByte()
    {
        const int timeout = 3;
        using var server = ServerProcess.Start(DataClient.AnonWritable.Append($"data_connection_timeout={timeout}").ToArray());
        DataClient.WritableDir(server);
        using var c = DataClient.LoggedIn(server);
        using var data = DataClient.Pasv(c);
        Assert.That(c.Command("STOR /pub/up.bin").Code, Is.EqualTo(150));
        var chunk = new byte[8192];
        var sending = Stopwatch.StartNew();
        while (sending.Elapsed.TotalSeconds < timeout + 0.4)
        {
            data.Send(chunk);
            Thread.Sleep(50);
        }
        var stalled = Stopwatch.StartNew();
        Assert.That(c.ReadReply(20000).ToString(), Is.EqualTo("421 Data timeout. Reconnect. Sorry."));
        double after = stalled.Elapsed.TotalSeconds;
        TestContext.Progress.WriteLine($"upload stall cut {after:F2} s after the last byte (timeout {timeout} s)");
        Assert.That(after, Is.InRange(timeout - 0.25, timeout + 1.5));
    }
}
