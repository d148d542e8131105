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
    // Masters not disposed yet: a fixture whose set-up failed after the start never disposes its
    // master, which would outlive the test run; the test host ends them all when it exits.
    private static readonly HashSet<ServerProcess> Live = new();

    static ServerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            ServerProcess[] left;
            lock (Live) left = Live.ToArray();
            foreach (var s in left) s.Kill();
        };
    }

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
    /// logged reads this, never <see cref="Log"/> (which may not have caught up yet). SIGHUP is a
    /// reload: the config file is read again and idle pool workers are replaced, so count or find
    /// processes before calling it, not after.
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
    public static ServerProcess Start(params string[] settings) => Start(new StartOptions(), settings);

    /// <summary>As <see cref="Start"/>, with another master binary (a copy beside a test's own worker).</summary>
    public static ServerProcess StartBinary(string masterPath, params string[] settings) =>
        Start(new StartOptions(Master: masterPath), settings);

    /// <summary>As <see cref="Start"/>, the master (and so its workers) with these environment variables added.</summary>
    public static ServerProcess StartWithEnvironment(IReadOnlyDictionary<string, string> env, params string[] settings) =>
        Start(new StartOptions(Env: env), settings);

    /// <summary>
    /// How to start the master: another binary, a command that runs it (e.g. unshare; the master's
    /// argv follows), more environment, more arguments after --config.
    /// </summary>
    public sealed record StartOptions(string? Master = null, string[]? Wrapper = null,
        IReadOnlyDictionary<string, string>? Env = null, string[]? Args = null);

    /// <summary>As <see cref="Start(string[])"/>, started as <paramref name="how"/> says.</summary>
    public static ServerProcess Start(StartOptions how, params string[] settings)
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-test-").FullName;
        string root = Path.Combine(dir, "root");
        Directory.CreateDirectory(root);
        // World-readable, root-owned: as root the master serves anonymous as ftp_username, chrooted here.
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        // FreePort's port is free when asked, not when the master binds it (parallel fixtures draw
        // from the same range): a master that finds it taken is started again on another.
        for (int attempt = 1; ; attempt++)
        {
            var server = Launch(how, dir, root, FreePort(), settings);
            if (server.Listening(TimeSpan.FromSeconds(20))) return server;
            string log = server.Log;
            server.Kill();
            if (attempt < PortTries && log.Contains("Address already in use")) continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new InvalidOperationException($"master did not start listening:\n{log}");
        }
    }

    private const int PortTries = 5;
    private readonly ManualResetEventSlim _listening = new();

    private static ServerProcess Launch(StartOptions how, string dir, string root, int port, string[] settings)
    {
        var conf = new StringBuilder();
        conf.AppendLine("listen_address=127.0.0.1");
        conf.AppendLine($"listen_port={port}");
        conf.AppendLine($"anon_root={root}");
        conf.AppendLine("worker_pool_size=2");
        conf.AppendLine("delay_failed_login=0");
        foreach (var s in settings) conf.AppendLine(s);
        // After the settings (their line numbers stay as tests expect); never the machine's /run/ftpfork/admin.sock.
        if (!settings.Any(s => s.StartsWith("admin_socket="))) conf.AppendLine($"admin_socket={Path.Combine(dir, "admin.sock")}");
        string configPath = Path.Combine(dir, "ftpd.conf");
        File.WriteAllText(configPath, conf.ToString());

        string[] argv = (how.Wrapper ?? Array.Empty<string>())
            .Concat(new[] { how.Master ?? MasterPath, "--config", configPath }).Concat(how.Args ?? Array.Empty<string>()).ToArray();
        var psi = new ProcessStartInfo(argv[0], argv[1..])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var (k, v) in how.Env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the master");
        var server = new ServerProcess(p, port, dir, root, configPath);
        lock (Live) Live.Add(server);
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            server.Append(e.Data);
            if (e.Data.Contains("listening on")) server._listening.Set();
        };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data != null) server.Append(e.Data);
        };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        return server;
    }

    private void Append(string line)
    {
        lock (_logLock)
        {
            _log.AppendLine(line);
            Monitor.PulseAll(_logLock);
        }
    }

    /// <summary>True once the master said it listens; false when it exited (its log read to the end) or the time is up.</summary>
    private bool Listening(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_listening.Wait(100))
        {
            if (Process.HasExited)
            {
                Process.WaitForExit(); // and its output read to the end
                return false;
            }
            if (DateTime.UtcNow > deadline) return false;
        }
        return true;
    }

    /// <summary>Ends a master that did not start (and any worker it had started), keeping the directory.</summary>
    private void Kill()
    {
        lock (Live) Live.Remove(this);
        var all = ProcTools.Descendants(Pid);
        if (!Process.HasExited) ProcTools.Signal(Pid, 9);
        foreach (int c in all) ProcTools.Signal(c, 9);
        Process.WaitForExit(5000);
        Process.Dispose();
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

    /// <summary>Rewrites the config file: the settings Start wrote, <paramref name="drop"/> keys left out, <paramref name="add"/> lines after.</summary>
    public void EditConfig(string[] add, params string[] drop)
    {
        var lines = File.ReadAllLines(ConfigPath).Where(l => !drop.Any(k => l.StartsWith(k + "="))).Concat(add);
        File.WriteAllLines(ConfigPath, lines);
    }

    /// <summary>This master's admin_socket (`ftpfork who --socket`).</summary>
    public string AdminSocket => Path.Combine(Dir, "admin.sock");

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
        lock (Live) Live.Remove(this);
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
