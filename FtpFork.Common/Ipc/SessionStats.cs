// The live numbers of one session on its shared page: the worker stores them as it goes, the master reads them for `ftpfork who` and trusts nothing.
using System.Text;
using FtpFork.Common.Interop;

namespace FtpFork.Common.Ipc;

/// <summary>What the master read from a page: bounded, validated; "?" where the worker wrote nonsense.</summary>
public readonly record struct StatsSnapshot(string State, string File, long Done, long Total, long RateBps, long IdleMs, bool Tls);

/// <summary>
/// Layout (little-endian, fixed offsets): seq (int, odd while the text is being changed), the
/// state word and the file (the text fields, under the seq), then single 64-bit fields written
/// and read whole: bytes done, bytes total (-1 unknown), last command and rate times
/// (Environment.TickCount64, CLOCK_MONOTONIC in both processes), the rate, flags.
/// </summary>
public sealed unsafe class SessionStats
{
    private const int OffSeq = 0, OffDone = 8, OffTotal = 16, OffLastCommand = 24, OffRate = 32, OffRateAt = 40, OffFlags = 48;
    private const int OffStateLen = 56, OffState = 60, StateMax = 16, OffFileLen = 76, OffFile = 80;
    public const int FileMax = 1024;
    /// <summary>How often the worker refreshes the rate; a rate older than 3 of these reads as 0 (stalled).</summary>
    public const long RateWindowMs = 1000;

    private readonly SharedPage _page;
    private readonly byte* _p;
    // The worker's rate window (in its own memory, not the page).
    private long _windowAt, _windowBytes;

    public SessionStats(SharedPage page)
    {
        _page = page;
        _p = page.Base;
    }

    public SharedPage Page => _page;

    private ref long L(int off) => ref *(long*)(_p + off);
    private ref int I(int off) => ref *(int*)(_p + off);

    // ---- the worker's side

    /// <summary>A new client: everything cleared, "connected".</summary>
    public void Reset()
    {
        new Span<byte>(_p, SharedPage.Size).Clear();
        Volatile.Write(ref L(OffTotal), -1);
        Volatile.Write(ref L(OffLastCommand), Environment.TickCount64);
        SetState("connected", "");
    }

    /// <summary>The state word ("connected", "IDLE", or the command's verb) and the file it works on.</summary>
    public void SetState(string state, string file)
    {
        int seq = I(OffSeq);
        Volatile.Write(ref I(OffSeq), seq | 1);
        int n = Math.Min(state.Length, StateMax);
        for (int i = 0; i < n; i++) _p[OffState + i] = state[i] < 128 ? (byte)state[i] : (byte)'?';
        I(OffStateLen) = n;
        byte[] b = file.Length == 0 ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(file);
        int f = Math.Min(b.Length, FileMax); // a name cut inside a character reads back with U+FFFD at its end
        b.AsSpan(0, f).CopyTo(new Span<byte>(_p + OffFile, FileMax));
        I(OffFileLen) = f;
        Volatile.Write(ref I(OffSeq), (seq | 1) + 1);
    }

    /// <summary>A command line arrived (the idle time counts from here).</summary>
    public void CommandSeen() => Volatile.Write(ref L(OffLastCommand), Environment.TickCount64);

    /// <summary>A transfer starts: <paramref name="total"/> bytes expected (-1 unknown).</summary>
    public void BeginTransfer(long total)
    {
        long now = Environment.TickCount64;
        Volatile.Write(ref L(OffDone), 0);
        Volatile.Write(ref L(OffTotal), total);
        Volatile.Write(ref L(OffRate), 0);
        Volatile.Write(ref L(OffRateAt), now);
        (_windowAt, _windowBytes) = (now, 0);
    }

    /// <summary>After each chunk: the bytes so far; the rate once a window has passed. Two stores and a clock read.</summary>
    public void Progress(long done)
    {
        Volatile.Write(ref L(OffDone), done);
        long now = Environment.TickCount64;
        long dt = now - _windowAt;
        if (dt < RateWindowMs) return;
        Volatile.Write(ref L(OffRate), (done - _windowBytes) * 1000 / dt);
        Volatile.Write(ref L(OffRateAt), now);
        (_windowAt, _windowBytes) = (now, done);
    }

    public void SetTls(bool tls) => Volatile.Write(ref L(OffFlags), tls ? 1 : 0);

    // ---- the master's side

    /// <summary>The page as it is now, every field checked: a worker may have written anything there.</summary>
    public StatsSnapshot Read()
    {
        string state = "?", file = "";
        for (int attempt = 0; attempt < 4; attempt++)
        {
            int s1 = Volatile.Read(ref I(OffSeq));
            if ((s1 & 1) != 0) { Thread.SpinWait(20); continue; }
            int n = I(OffStateLen), f = I(OffFileLen);
            string st = n is > 0 and <= StateMax ? Encoding.ASCII.GetString(_p + OffState, n) : "?";
            string fi = f is >= 0 and <= FileMax ? Encoding.UTF8.GetString(_p + OffFile, f) : "";
            if (Volatile.Read(ref I(OffSeq)) != s1) continue;
            state = st.All(char.IsAsciiLetter) ? st : "?";
            file = fi;
            break;
        }
        long now = Environment.TickCount64;
        long done = Math.Max(0, Volatile.Read(ref L(OffDone)));
        long total = Math.Max(-1, Volatile.Read(ref L(OffTotal)));
        long rateAt = Volatile.Read(ref L(OffRateAt));
        long rate = now - rateAt > 3 * RateWindowMs ? 0 : Math.Max(0, Volatile.Read(ref L(OffRate)));
        long idle = Math.Max(0, now - Volatile.Read(ref L(OffLastCommand)));
        return new StatsSnapshot(state, file, done, total, rate, idle, (Volatile.Read(ref L(OffFlags)) & 1) != 0);
    }
}
