// One-time setup of the accounts tests: a PAM service of our own (from pam/ftpfork), and throwaway system users.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Accounts;

[SetUpFixture]
public class AccountsSetup
{
    /// <summary>The PAM service the tests use: pam/ftpfork installed under a name of this run.</summary>
    public static string PamService { get; } = $"ftpfork-test-{Environment.ProcessId}";

    public static bool IsRoot => ServerProcess.AsRoot;

    [OneTimeSetUp]
    public void InstallPam()
    {
        if (!IsRoot) return;
        File.Copy(Path.Combine(RepoRoot(), "pam", "ftpfork"), $"/etc/pam.d/{PamService}", overwrite: true);
    }

    [OneTimeTearDown]
    public void RemovePam()
    {
        if (IsRoot) File.Delete($"/etc/pam.d/{PamService}");
    }

    public static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !File.Exists(Path.Combine(d.FullName, "FtpFork.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("cannot find the repository root");
    }
}

/// <summary>A system account made with useradd and a SHA-512 password (chpasswd -c SHA512); userdel -r on Dispose.</summary>
public sealed class TestUser : IDisposable
{
    public string Name { get; }
    public string Password { get; } = "Pw-" + Guid.NewGuid().ToString("N")[..12];
    public string Home { get; }
    public uint Uid { get; }
    public uint Gid { get; }

    /// <summary>A new account; <paramref name="home"/> (made with -m unless it exists) defaults to /tmp/NAME-home.</summary>
    public TestUser(Func<string, string>? home = null, string shell = "/bin/sh")
    {
        Name = "fft" + Guid.NewGuid().ToString("N")[..8];
        Home = home?.Invoke(Name) ?? Path.Combine(Path.GetTempPath(), Name + "-home");
        // In "users" too, so the session's supplementary groups can be checked.
        Check(Edit("useradd", new[] { "-m", "-d", Home, "-s", shell, "-G", "users", Name }));
        Check(Edit("chpasswd", new[] { "-c", "SHA512" }, $"{Name}:{Password}\n"));
        string[] pw = RunTool.Run("getent", new[] { "passwd", Name }).Stdout.Trim().Split(':');
        Uid = uint.Parse(pw[2]);
        Gid = uint.Parse(pw[3]);
    }

    private static void Check(ToolResult r)
    {
        if (r.ExitCode != 0) throw new InvalidOperationException($"account setup failed: {r.Stderr}");
    }

    public void Dispose() => Edit("userdel", new[] { "-r", "-f", Name });

    /// <summary>The lock every test run on this machine takes around an account tool (see <see cref="Edit"/>).</summary>
    public const string LockFile = "/tmp/ftpfork-test-accounts.lock";

    /// <summary>
    /// Runs an account tool (useradd, chpasswd, chage, usermod, userdel) under a machine-wide flock:
    /// parallel fixtures, and other suites on the machine, would otherwise race for /etc/passwd's
    /// and /etc/shadow's lock and fail with "cannot lock". A tool that still found it locked (a
    /// process outside the lock held it) is run again, three times at most.
    /// </summary>
    public static ToolResult Edit(string tool, string[] args, string? stdin = null)
    {
        var argv = new[] { "-w", "120", LockFile, tool }.Concat(args).ToArray();
        for (int attempt = 1; ; attempt++)
        {
            var r = RunTool.Run("flock", argv, 150_000, stdin);
            if (r.ExitCode == 0 || attempt == 3 || !r.Stderr.Contains("lock", StringComparison.OrdinalIgnoreCase)) return r;
            Thread.Sleep(200 * attempt);
        }
    }
}

public static class Workers
{
    /// <summary>The master's descendant whose title contains <paramref name="text"/> (waits up to 10 s; none fails the test).</summary>
    public static int Find(ServerProcess server, string text)
    {
        int pid = 0;
        bool found = ProcTools.WaitUntil(() =>
        {
            pid = ProcTools.Descendants(server.Pid).FirstOrDefault(p => ProcTools.Title(p).Contains(text));
            return pid != 0;
        }, TimeSpan.FromSeconds(10));
        Assert.That(found, Is.True, $"no worker of the master titled '...{text}...': " +
            string.Join(", ", ProcTools.Descendants(server.Pid).Select(p => $"{p} '{ProcTools.Title(p)}'")) + "\n" + server.Log);
        return pid;
    }

    public static string Root(int pid) => new DirectoryInfo($"/proc/{pid}/root").LinkTarget ?? "";

    public static uint Account(string name, int field) =>
        uint.Parse(RunTool.Run("getent", new[] { "passwd", name }).Stdout.Trim().Split(':')[field]);
}
