// ./build.sh run and the master's --config: the user's file (its anon_root) as given, the demo root only for a bare run, one --config.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class RunConfigTests
{
    private static string RepoRoot
    {
        get
        {
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d != null && !File.Exists(Path.Combine(d.FullName, "FtpFork.sln"))) d = d.Parent;
            return d?.FullName ?? throw new InvalidOperationException("cannot find the repository root (FtpFork.sln)");
        }
    }

    /// <summary>build.sh run with the binaries the suite tests (no build), from <paramref name="cwd"/>.</summary>
    private static ToolResult Run(string cwd, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Path.Combine(RepoRoot, "build.sh"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = cwd,
        };
        psi.ArgumentList.Add("run");
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["FTPFORK_NO_BUILD"] = "1";
        psi.Environment["FTPFORK_BIN"] = ServerProcess.BinDir;
        using var p = System.Diagnostics.Process.Start(psi)!;
        var so = p.StandardOutput.ReadToEndAsync();
        var se = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(30000), Is.True, "build.sh run --check ends");
        return new ToolResult(p.ExitCode, so.Result, se.Result);
    }

    private static string MyConf(string dir, string root, int port)
    {
        string conf = Path.Combine(dir, "my.conf");
        File.WriteAllText(conf, $"listen_address=127.0.0.1\nlisten_port={port}\nanon_root={root}\n");
        return conf;
    }

    [Test]
    public void RunWithAConfigKeepsItsAnonRoot()
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-run-").FullName;
        try
        {
            string root = Path.Combine(dir, "myroot");
            MyConf(dir, root, 2999);
            var r = Run(dir, "--config", "my.conf", "--check"); // relative to where build.sh was run
            Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
            Assert.That(r.Stdout, Does.Contain($"\nanon_root={root}\n"));
            Assert.That(r.Stdout, Does.Not.Contain("demo-root"));
            Assert.That(r.Stdout, Does.Contain("starting the master on 127.0.0.1:2999"));
            var eq = Run(dir, "--config=my.conf", "-o", "listen_port=3001", "--check");
            Assert.That(eq.Stdout, Does.Contain($"\nanon_root={root}\n").And.Contain("\nlisten_port=3001\n"), eq.Stderr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void BareRunServesTheDemoRoot()
    {
        var r = Run(RepoRoot, "--check");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("\nanon_root=" + Path.Combine(RepoRoot, "out", "demo-root") + "\n"));
        Assert.That(r.Stdout, Does.Contain("\nlisten_port=2121\n"));
    }

    [Test]
    public void TwoConfigsAreAnError()
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-run-").FullName;
        try
        {
            string conf = MyConf(dir, dir, 2999);
            var r = Run(dir, "--config", conf, "-c", conf, "--check");
            Assert.That(r.ExitCode, Is.EqualTo(2));
            Assert.That(r.Stderr, Does.Contain("--config given 2 times"));
            var m = RunTool.Run(ServerProcess.MasterPath, new[] { "--config", conf, "--config=" + conf, "--check" }, 20000);
            Assert.That(m.ExitCode, Is.EqualTo(2), m.Stdout);
            Assert.That(m.Stderr, Does.Contain("ftpfork: --config given more than once"));
            Assert.That(m.Stdout, Does.Not.Contain("listen_port"), "nothing is started or printed");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
