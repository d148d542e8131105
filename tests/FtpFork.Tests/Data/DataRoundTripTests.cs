// Byte-exact RETR/STOR round trips (sha256) of 0 B, 1 B, 1 MiB and 64 MiB with python ftplib, curl and lftp.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests;

[TestFixture, Parallelizable(ParallelScope.All)]
public class DataRoundTripTests
{
    private static readonly long[] Sizes = { 0, 1, 1 << 20, 64L << 20 };

    private static readonly string[] UploadSettings =
        { "write_enable=YES", "anon_upload_enable=YES", "anon_umask=022", "accept_timeout=10", "connect_timeout=10" };

    private const string Script = @"
import ftplib, hashlib, sys
host, port, passive, names = sys.argv[1], int(sys.argv[2]), sys.argv[3] == 'pasv', sys.argv[4:]
f = ftplib.FTP()
f.connect(host, port)
f.login()
f.set_pasv(passive)
for n in names:
    chunks = []
    r = f.retrbinary('RETR ' + n, chunks.append)
    assert r.startswith('226'), r
    data = b''.join(chunks)
    print(n, len(data), hashlib.sha256(data).hexdigest().upper())
    import io
    r = f.storbinary('STOR pub/up-' + n, io.BytesIO(data))
    assert r.startswith('226'), r
print(f.quit())
";

    [TestCase("pasv", "127.0.0.1")]
    [TestCase("port", "127.0.0.1")]
    [TestCase("pasv", "::1")]
    [TestCase("port", "::1")]
    public void PythonRoundTripsAreByteExact(string mode, string host)
    {
        if (host == "::1") Need.Ipv6();
        var settings = host == "::1" ? UploadSettings.Append("listen_ipv6=YES").Append("listen_address6=::1").ToArray() : UploadSettings;
        using var server = ServerProcess.Start(settings);
        var want = new Dictionary<string, string>();
        DataClient.WritableDir(server);
        foreach (long size in Sizes) want[$"f{size}"] = DataClient.RandomFile(Path.Combine(server.Root, $"f{size}"), size);

        var args = new List<string> { "-c", Script, host, server.Port.ToString(), mode };
        args.AddRange(want.Keys);
        var r = RunTool.Run("python3", args, 120_000);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr + "\n" + server.Log);
        foreach (var (name, sha) in want)
        {
            long size = new FileInfo(Path.Combine(server.Root, name)).Length;
            Assert.That(r.Stdout, Does.Contain($"{name} {size} {sha}"), "downloaded bytes differ: " + name);
            Assert.That(DataClient.ShaFile(Path.Combine(server.Root, "pub", "up-" + name)), Is.EqualTo(sha), "uploaded bytes differ: " + name);
        }
    }

    [Test]
    public void CurlDownloadAndUploadAreByteExact()
    {
        using var server = ServerProcess.Start(UploadSettings);
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "c.bin"), 3 << 20);
        DataClient.WritableDir(server);
        string local = Path.Combine(server.Dir, "got.bin");
        var r = RunTool.Run("curl", new[] { "-sS", "--ftp-pasv", "-o", local, $"ftp://127.0.0.1:{server.Port}/c.bin" });
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(DataClient.ShaFile(local), Is.EqualTo(sha));
        r = RunTool.Run("curl", new[] { "-sS", "-T", local, $"ftp://127.0.0.1:{server.Port}/pub/c-up.bin" });
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(DataClient.ShaFile(Path.Combine(server.Root, "pub", "c-up.bin")), Is.EqualTo(sha));
    }

    [Test]
    public void CurlResumesADownloadWithRest()
    {
        using var server = ServerProcess.Start(UploadSettings);
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "r.bin"), 2 << 20);
        string local = Path.Combine(server.Dir, "part.bin");
        var all = File.ReadAllBytes(Path.Combine(server.Root, "r.bin"));
        File.WriteAllBytes(local, all.AsSpan(0, 777_777).ToArray());
        var r = RunTool.Run("curl", new[] { "-sS", "-C", "-", "-o", local, $"ftp://127.0.0.1:{server.Port}/r.bin" });
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(DataClient.ShaFile(local), Is.EqualTo(sha));
    }

    [Test]
    public void PythonResumesADownloadWithRest()
    {
        using var server = ServerProcess.Start(UploadSettings);
        DataClient.RandomFile(Path.Combine(server.Root, "p.bin"), 1 << 20);
        var all = File.ReadAllBytes(Path.Combine(server.Root, "p.bin"));
        const string code = @"
import ftplib, hashlib, sys
f = ftplib.FTP(); f.connect('127.0.0.1', int(sys.argv[1])); f.login()
h = hashlib.sha256(); n = [0]
def got(b): h.update(b); n[0] += len(b)
print(f.retrbinary('RETR p.bin', got, rest=123457))
print(n[0], h.hexdigest().upper())
";
        var r = RunTool.Run("python3", new[] { "-c", code, server.Port.ToString() });
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain($"{all.Length - 123457} {DataClient.Sha(all[123457..])}"));
    }

    [Test]
    public void LftpGetAndPutAreByteExact()
    {
        Need.Tool("lftp", "lftp");
        using var server = ServerProcess.Start(UploadSettings);
        string sha = DataClient.RandomFile(Path.Combine(server.Root, "l.bin"), 5 << 20);
        DataClient.WritableDir(server);
        string local = Path.Combine(server.Dir, "l-got.bin");
        string cmds = $"set cmd:fail-exit yes; set net:max-retries 1; open -u anonymous,x@y ftp://127.0.0.1:{server.Port}; " +
                      $"get l.bin -o {local}; put {local} -o pub/l-up.bin; quit";
        var r = RunTool.Run("lftp", new[] { "-c", cmds }, 60_000);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr + r.Stdout);
        Assert.That(DataClient.ShaFile(local), Is.EqualTo(sha));
        Assert.That(DataClient.ShaFile(Path.Combine(server.Root, "pub", "l-up.bin")), Is.EqualTo(sha));
    }
}
