// Starts the real master binary on a free loopback port with a temp config and root, and stops it.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FtpFork.Tests.Harness;

public sealed class ServerProcess : IDisposable
{
    public Process Process { get; }
    public int Port { get; }
    public string Root { get; }
    public string Dir { get; }
    public string ConfigPath { get; }
    private readonly StringBuilder _log = new();
    private readonly object _logLock = new();

    public int Pid => Process.Id;

    public string Log
    {
        get { lock (_logLock) return _log.ToString(); }
    }

    /// <summary>
    /// Waits (woken by each new log line, up to <paramref name="seconds"/>) until the master's log
    /// holds <paramref name="text"/>: its output reaches the test through a reader thread, so a line
    /// written before a reply may arrive after it.
    /// </summary>
    public bool LogShows(string text, double seconds = 5)
    {
        var end = DateTime.UtcNow.AddSeconds(seconds);
        lock (_logLock)
        {
            while (!_log.ToString().Contains(text))
            {
                var left = end - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return false;
                Monitor.Wait(_logLock, left);
            }
            return true;
        }
    }

    /// <summary>
    /// The log up to now, whole: sends the master SIGHUP and waits for the line it logs for it, so
    /// every line the master (and a worker) wrote before is in. A check that something was NOT
    /// logged reads this, never <see cref="Log"/> (which may not have caught up yet).
    /// </summary>
    public string LogBarrier()
    {
        int before = Count(Log, "SIGHUP");
        ProcTools.Signal(Pid, 1);
        bool seen = false;
        var end = DateTime.UtcNow.AddSeconds(10);
        lock (_logLock)
        {
            while (!(seen = Count(_log.ToString(), "SIGHUP") > before) && DateTime.UtcNow < end)
                Monitor.Wait(_logLock, end - DateTime.UtcNow);
            string log = _log.ToString();
            if (!seen) throw new TimeoutException($"the master logged nothing for SIGHUP within 10 s:\n{log}");
            return log[..log.LastIndexOf("SIGHUP", StringComparison.Ordinal)];
        }
    }

    private static int Count(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }

    public static string BinDir
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("FTPFORK_BIN");
            if (!string.IsNullOrEmpty(env)) return env;
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d != null && !File.Exists(Path.Combine(d.FullName, "FtpFork.sln"))) d = d.Parent;
            if (d == null) throw new InvalidOperationException("cannot find the repository root (FtpFork.sln)");
            return Path.Combine(d.FullName, "out");
        }
    }

    public static string MasterPath => Path.Combine(BinDir, "ftpfork");

    private ServerProcess(Process p, int port, string dir, string root, string configPath)
    {
        Process = p;
        Port = port;
        Dir = dir;
        Root = root;
        ConfigPath = configPath;
    }

    /// <summary>
    /// Starts the master with a temp root (anonymous, read-only unless the settings say otherwise)
    /// and the given extra ftpd.conf lines; returns once it listens (or throws with its log).
    /// </summary>
    public static ServerProcess Start(params string[] settings)
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-test-").FullName;
        string root = Path.Combine(dir, "root");
        Directory.CreateDirectory(root);
        // World-readable, root-owned: as root the master serves anonymous as ftp_username, chrooted here.
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        int port = FreePort();
        var conf = new StringBuilder();
        conf.AppendLine("listen_address=127.0.0.1");
        conf.AppendLine($"listen_port={port}");
        conf.AppendLine($"anon_root={root}");
        conf.AppendLine("worker_pool_size=2");
        conf.AppendLine("delay_failed_login=0");
        foreach (var s in settings) conf.AppendLine(s);
        string configPath = Path.Combine(dir, "ftpd.conf");
        File.WriteAllText(configPath, conf.ToString());

        var psi = new ProcessStartInfo(MasterPath, new[] { "--config", configPath })
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the master");
        var server = new ServerProcess(p, port, dir, root, configPath);
        var listening = new ManualResetEventSlim();
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (server._logLock)
            {
                server._log.AppendLine(e.Data);
                Monitor.PulseAll(server._logLock);
            }
            if (e.Data.Contains("listening on")) listening.Set();
        };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data != null)
                lock (server._logLock)
                {
                    server._log.AppendLine(e.Data);
                    Monitor.PulseAll(server._logLock);
                }
        };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!listening.Wait(100))
        {
            if (p.HasExited || DateTime.UtcNow > deadline)
            {
                server.Dispose();
                throw new InvalidOperationException($"master did not start listening:\n{server.Log}");
            }
        }
        return server;
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public FtpTestClient Connect() => FtpTestClient.Connect(Port);

    /// <summary>True when the tests run as root: sessions then run as their own users, chrooted.</summary>
    public static bool AsRoot => Environment.UserName == "root";

    /// <summary>
    /// Lets anonymous sessions write under <paramref name="path"/>: as root they run as the ftp
    /// account (chown -R); otherwise they run as us and nothing is needed.
    /// </summary>
    public static void GiveToAnonymous(string path)
    {
        if (!AsRoot) return;
        var r = RunTool.Run("chown", new[] { "-R", "ftp:", path });
        if (r.ExitCode != 0) throw new InvalidOperationException($"chown -R ftp {path}: {r.Stderr}");
    }

    /// <summary>Sends SIGTERM and waits for the master to exit; returns its exit code (or null if it did not).</summary>
    public int? Terminate(TimeSpan wait)
    {
        if (Process.HasExited) return Process.ExitCode;
        ProcTools.Signal(Pid, 15);
        return Process.WaitForExit(wait) ? Process.ExitCode : null;
    }

    public void Dispose()
    {
        try
        {
            var all = ProcTools.Descendants(Pid);
            if (!Process.HasExited)
            {
                ProcTools.Signal(Pid, 15);
                if (!Process.WaitForExit(5000)) ProcTools.Signal(Pid, 9);
            }
            foreach (int c in all.Concat(ProcTools.Descendants(Pid))) ProcTools.Signal(c, 9);
            Process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
