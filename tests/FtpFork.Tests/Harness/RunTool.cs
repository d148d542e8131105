// Runs an external client (python3, curl, lftp) with a deadline and captures its output.
using System.Diagnostics;

namespace FtpFork.Tests.Harness;

public sealed record ToolResult(int ExitCode, string Stdout, string Stderr);

public static class RunTool
{
    public static ToolResult Run(string file, IEnumerable<string> args, int timeoutMs = 60000, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin != null,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var so = p.StandardOutput.ReadToEndAsync();
        var se = p.StandardError.ReadToEndAsync();
        if (stdin != null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {timeoutMs} ms");
        }
        p.WaitForExit();
        return new ToolResult(p.ExitCode, so.Result, se.Result);
    }

    /// <summary>Runs a python3 snippet (ftplib is in the standard library).</summary>
    public static ToolResult Python(string code, int timeoutMs = 60000) => Run("python3", new[] { "-c", code }, timeoutMs);

    public static bool Exists(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}
