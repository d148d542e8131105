// Binary uploads through splice (socket → pipe → file): byte-exact, ABOR, a stalled sender, throttling, use_sendfile=NO.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests;

[TestFixture, Parallelizable(ParallelScope.All)]
public class UploadTests
{
    private static string[] With(params string[] more) => DataClient.AnonWritable.Concat(more).ToArray();

    [TestCase("YES", 0)]
    [TestCase("NO", 1)]
    public void BinaryStorIsByteExactAndStaysInTheKernelUnlessUseSendfileIsOff(string useSendfile, int managed)
    {
        using var server = ServerProcess.Start(With($"use_sendfile={useSendfile}", "log_ftp_protocol=YES"));
        string pub = DataClient.WritableDir(server);
        var data = RandomNumberGenerator.GetBytes((8 << 20) + 1); // an odd size: the last chunk is a single byte
        using var c = DataClient.LoggedIn(server); // anonymous, TYPE I
        var d = DataClient.Pasv(c);
        Assert.That(c.Command("STOR pub/u.bin").Code, Is.EqualTo(150));
        DataClient.WriteAllAndClose(d, data);
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("226 Transfer complete."));
        Assert.That(DataClient.ShaFile(Path.Combine(pub, "u.bin")), Is.EqualTo(DataClient.Sha(data)));
        Assert.That(server.LogShows("bytes through managed memory"), server.Log);
        var m = Regex.Match(server.Log, @"STOR /pub/u\.bin: Ok, (\d+) bytes in \d+ ms, (\d+) bytes through managed memory");
        Assert.That(m.Success, server.Log);
        Assert.That(long.Parse(m.Groups[1].Value), Is.EqualTo(data.Length));
        Assert.That(long.Parse(m.Groups[2].Value), Is.EqualTo((long)data.Length * managed),
            "use_sendfile=YES: the bytes go socket → pipe → file; NO: through a buffer");
    }

    [Test]
    public void AborMidStorKeepsWhatArrivedAndTheSessionGoesOn()
    {
        using var server = ServerProcess.Start(With());
        string pub = DataClient.WritableDir(server);
        var part = RandomNumberGenerator.GetBytes(1 << 20);
        using var c = DataClient.LoggedIn(server); // anonymous, TYPE I
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("STOR pub/a.bin").Code, Is.EqualTo(150));
        d.Send(part); // the data connection stays open: only ABOR ends this upload
        string path = Path.Combine(pub, "a.bin");
        Assert.That(WaitForLength(path, part.Length), Is.True, "the first MiB reached the file");
        c.SendLine("ABOR");
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("426 Failure reading network stream."));
        Assert.That(c.ReadReply().ToString(), Is.EqualTo("226 ABOR successful."));
        Assert.That(DataClient.ShaFile(path), Is.EqualTo(DataClient.Sha(part)), "what arrived is kept, byte-exact");
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
    }

    [Test]
    public void StalledUploadGetsDataTimeoutAndKeepsWhatArrived()
    {
        using var server = ServerProcess.Start(With("data_connection_timeout=2"));
        string pub = DataClient.WritableDir(server);
        var part = RandomNumberGenerator.GetBytes(100_000);
        using var c = DataClient.LoggedIn(server); // anonymous, TYPE I
        using var d = DataClient.Pasv(c);
        Assert.That(c.Command("STOR pub/s.bin").Code, Is.EqualTo(150));
        d.Send(part); // then nothing more, and no EOF
        Assert.That(c.ReadReply(15_000).ToString(), Is.EqualTo("421 Data timeout. Reconnect. Sorry."));
        Assert.That(c.WaitForClose(5000), Is.True);
        Assert.That(DataClient.ShaFile(Path.Combine(pub, "s.bin")), Is.EqualTo(DataClient.Sha(part)));
    }

    [Test]
    public void ThrottledStorHoldsToTheRateAndIsByteExact()
    {
        using var server = ServerProcess.Start(With("anon_max_rate=100000"));
        string pub = DataClient.WritableDir(server);
        var data = RandomNumberGenerator.GetBytes(300_000);
        using var c = DataClient.LoggedIn(server); // anonymous, TYPE I
        var d = DataClient.Pasv(c);
        var sw = Stopwatch.StartNew();
        Assert.That(c.Command("STOR pub/t.bin").Code, Is.EqualTo(150));
        DataClient.WriteAllAndClose(d, data);
        Assert.That(c.ReadReply(15_000).ToString(), Is.EqualTo("226 Transfer complete."));
        Assert.That(sw.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(1.8)), "anon_max_rate did not throttle the upload");
        Assert.That(DataClient.ShaFile(Path.Combine(pub, "t.bin")), Is.EqualTo(DataClient.Sha(data)));
    }

    /// <summary>Polls the file's size until it reaches <paramref name="length"/> (10 s at most).</summary>
    private static bool WaitForLength(string path, long length)
    {
        var end = Stopwatch.StartNew();
        while (end.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (File.Exists(path) && new FileInfo(path).Length >= length) return true;
            Thread.Sleep(20);
        }
        return false;
    }
}
