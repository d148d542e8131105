// Workers' stdout and stderr: one pipe the master reads, so a worker's stray output (a runtime crash) reaches the master's log labelled, never raw.
using System.Text;
using FtpFork.Common.Interop;

namespace FtpFork.Master;

public sealed class WorkerOutput
{
    private const int MaxLine = 4096;
    private readonly StringBuilder _partial = new();

    /// <summary>The end the master reads (non-blocking; in its poll set).</summary>
    public int ReadFd { get; }

    /// <summary>The end every worker gets as fd 1 and 2 (close-on-exec in the master; dup2 clears it in the child).</summary>
    public int WriteFd { get; }

    public WorkerOutput()
    {
        (ReadFd, WriteFd) = Posix.Pipe();
        FdIo.SetNonBlocking(ReadFd);
    }

    /// <summary>
    /// Whatever workers wrote, as "worker output: line" (the master's log escapes it). Workers share
    /// the pipe: a line says it came from some worker, not which, and cannot pass for a master's line.
    /// </summary>
    public void Drain(Action<string> log)
    {
        var buf = new byte[16384];
        for (int rounds = 0; rounds < 16; rounds++)
        {
            long n = FdIo.Read(ReadFd, buf);
            if (n <= 0) return;
            foreach (char c in Encoding.UTF8.GetString(buf, 0, (int)n))
            {
                if (c == '\n' || _partial.Length >= MaxLine)
                {
                    log($"worker output: {_partial}");
                    _partial.Clear();
                    if (c == '\n') continue;
                }
                _partial.Append(c);
            }
        }
    }
}
