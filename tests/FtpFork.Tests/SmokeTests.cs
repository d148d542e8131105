// The first end-to-end checks: banner, anonymous login, a worker per client, reaping.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests;

[TestFixture, Parallelizable(ParallelScope.All)]
public class SmokeTests
{
    [Test]
    public void BannerAndAnonymousLogin()
    {
        using var server = ServerProcess.Start();
        using var c = server.Connect();
        var banner = c.ReadReply();
        Assert.That(banner.Code, Is.EqualTo(220));
        Assert.That(c.Command("USER anonymous").Code, Is.EqualTo(331));
        Assert.That(c.Command("PASS x@y").Code, Is.EqualTo(230));
        Assert.That(c.Command("PWD").Text, Does.StartWith("\"/\""));
        Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
        Assert.That(c.WaitForClose(5000), Is.True);
    }

    [Test]
    public void BannerFileGreetsWithItsLinesAsVsftpd()
    {
        string file = Path.Combine(Path.GetTempPath(), "ftpfork-banner-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(file, "Welcome to FtpFork.\r\nBe nice.\n");
        try
        {
            // As root, pre-login workers are chrooted: the file is read before that.
            using var server = ServerProcess.Start($"banner_file={file}");
            using var c = server.Connect();
            var banner = c.ReadReply();
            Assert.That(banner.Lines, Is.EqualTo(new[] { "220-Welcome to FtpFork.", "220-Be nice.", "220 " }));
            Assert.That(c.Command("USER anonymous").Code, Is.EqualTo(331));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
