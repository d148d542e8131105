// HASH and OPTS HASH (draft-bryan-ftp-hash): a file's SHA-256, SHA-1 or MD5, never cut by the timeouts; the managed digests match the runtime's.
using System.Security.Cryptography;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Files;

[TestFixture, Parallelizable(ParallelScope.All)]
public class HashTests
{
    [Test]
    public void HashGivesTheDigestInTheChosenAlgorithm()
    {
        using var server = ServerProcess.Start();
        byte[] data = RandomNumberGenerator.GetBytes(300_000);
        File.WriteAllBytes(Path.Combine(server.Root, "f.bin"), data);
        File.SetUnixFileMode(Path.Combine(server.Root, "f.bin"), (UnixFileMode)Convert.ToInt32("644", 8));
        Directory.CreateDirectory(Path.Combine(server.Root, "d"));
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("FEAT").Lines, Does.Contain(" HASH SHA-256*;SHA-1;MD5"));
        Assert.That(c.Command("OPTS HASH").ToString(), Is.EqualTo("200 SHA-256"));
        Assert.That(c.Command("HASH f.bin").ToString(), Is.EqualTo($"213 SHA-256 0-300000 {Convert.ToHexStringLower(SHA256.HashData(data))} f.bin"));
        Assert.That(c.Command("OPTS HASH sha-1").ToString(), Is.EqualTo("200 SHA-1"));
        Assert.That(c.Command("FEAT").Lines, Does.Contain(" HASH SHA-256;SHA-1*;MD5"));
        Assert.That(c.Command("HASH /f.bin").ToString(), Is.EqualTo($"213 SHA-1 0-300000 {Convert.ToHexStringLower(SHA1.HashData(data))} /f.bin"));
        Assert.That(c.Command("OPTS HASH MD5").ToString(), Is.EqualTo("200 MD5"));
        Assert.That(c.Command("HASH f.bin").ToString(), Is.EqualTo($"213 MD5 0-300000 {Convert.ToHexStringLower(MD5.HashData(data))} f.bin"));
        Assert.That(c.Command("OPTS HASH CRC32").Code, Is.EqualTo(501));
        Assert.That(c.Command("OPTS HASH").ToString(), Is.EqualTo("200 MD5"), "unchanged by a refused choice");
        Assert.That(c.Command("HASH missing").Code, Is.EqualTo(550));
        Assert.That(c.Command("HASH d").Code, Is.EqualTo(553));
        Assert.That(c.Command("HELP HASH").Code, Is.EqualTo(214));
    }

    [Test]
    public void AHashLongerThanBothTimeoutsIsNotCut()
    {
        // 1 GiB of MD5 takes seconds (4 s under Native AOT here); each chunk hashed is the data alarm's progress, and the idle
        // alarm is off while a command runs.
        using var server = ServerProcess.Start("idle_session_timeout=1", "data_connection_timeout=1");
        string big = Path.Combine(server.Root, "big.bin");
        using (var f = File.Create(big)) f.SetLength(1L << 30);
        File.SetUnixFileMode(big, (UnixFileMode)Convert.ToInt32("644", 8));
        using var c = DataClient.LoggedIn(server);
        Assert.That(c.Command("OPTS HASH MD5").Code, Is.EqualTo(200));
        var r = c.Command("HASH big.bin", 120000);
        Assert.That(r.ToString(), Is.EqualTo("213 MD5 0-1073741824 cd573cfaace07e7949bc0c46028904ff big.bin"));
        Assert.That(c.Command("NOOP").Code, Is.EqualTo(200));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(55)]
    [TestCase(56)]
    [TestCase(63)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(1000)]
    [TestCase(1 << 20)]
    public void ManagedHashesMatchTheRuntimes(int length)
    {
        byte[] data = RandomNumberGenerator.GetBytes(length);
        foreach (var (name, expected) in new[] { ("SHA-256", SHA256.HashData(data)), ("SHA-1", SHA1.HashData(data)), ("MD5", MD5.HashData(data)) })
        {
            var whole = FtpFork.Worker.Hashing.BlockHash.Create(name);
            whole.Append(data);
            Assert.That(whole.Finish(), Is.EqualTo(expected), $"{name} of {length} bytes");
            var pieces = FtpFork.Worker.Hashing.BlockHash.Create(name); // fed unevenly, as reads come
            for (int at = 0, step = 1; at < length; at += step, step = step * 3 % 97 + 1)
                pieces.Append(data.AsSpan(at, Math.Min(step, length - at)));
            Assert.That(pieces.Finish(), Is.EqualTo(expected), $"{name} of {length} bytes in pieces");
        }
    }
}
