// Unit tests of the worker's command line reader: line ends, the 4 KiB cap, NUL, UTF-8, Telnet IAC, EOF.
using System.Text;
using FtpFork.Worker;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class LineReaderTests
{
    /// <summary>A reader fed by the given chunks, one per read() (never more than asked); then EOF.</summary>
    private static LineReader Feed(params byte[][] chunks)
    {
        var queue = new Queue<byte[]>(chunks);
        byte[] rest = Array.Empty<byte>();
        return new LineReader((buf, off, n) =>
        {
            if (rest.Length == 0 && queue.Count > 0) rest = queue.Dequeue();
            int k = Math.Min(n, rest.Length);
            rest.AsSpan(0, k).CopyTo(buf.AsSpan(off));
            rest = rest[k..];
            return k;
        });
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static LineReader Feed(params string[] chunks) => Feed(chunks.Select(B).ToArray());

    private static void Expect(LineReader r, LineStatus status, string text = "") =>
        Assert.That(r.ReadLine(), Is.EqualTo(new CommandLine(status, text)));

    [Test]
    public void TakeLinePullsAMatchingLineFromBehindOthers()
    {
        var r = Feed("NOOP\r\nABOR\r\nSTAT\r\npartial");
        Assert.That(r.FillOnce(), Is.True);
        Assert.That(r.TakeLine(l => l.Text == "ABOR"), Is.True);
        Assert.That(r.TakeLine(l => l.Text == "ABOR"), Is.False, "taken once");
        Assert.That(r.TakeLine(l => l.Text == "partial"), Is.False, "only whole lines");
        Expect(r, LineStatus.Ok, "NOOP");
        Expect(r, LineStatus.Ok, "STAT");
        Expect(r, LineStatus.Eof);
    }

    [Test]
    public void CrlfSplitAcrossReads()
    {
        var r = Feed("US", "ER anonym", "ous\r", "\nPASS x", "@y\r\n");
        Expect(r, LineStatus.Ok, "USER anonymous");
        Expect(r, LineStatus.Ok, "PASS x@y");
        Expect(r, LineStatus.Eof);
    }

    [Test]
    public void SeveralLinesInOneRead()
    {
        var r = Feed("NOOP\r\nSYST\r\nQUIT\r\n");
        Assert.That(r.HasBufferedLine, Is.False, "nothing read yet");
        Expect(r, LineStatus.Ok, "NOOP");
        Assert.That(r.HasBufferedLine, Is.True);
        Expect(r, LineStatus.Ok, "SYST");
        Expect(r, LineStatus.Ok, "QUIT");
        Assert.That(r.HasBufferedLine, Is.False);
    }

    [Test]
    public void LfOnlyAndEmptyLines()
    {
        var r = Feed("NOOP\n\nSYST\r\n\r\n");
        Expect(r, LineStatus.Ok, "NOOP");
        Expect(r, LineStatus.Ok, "");
        Expect(r, LineStatus.Ok, "SYST");
        Expect(r, LineStatus.Ok, "");
        Expect(r, LineStatus.Eof);
    }

    [Test]
    public void OneByteAtATime()
    {
        var r = Feed("PWD\r\nNOOP\r\n".Select(c => new[] { (byte)c }).ToArray());
        Expect(r, LineStatus.Ok, "PWD");
        Expect(r, LineStatus.Ok, "NOOP");
        Expect(r, LineStatus.Eof);
    }

    [Test]
    public void LineJustUnderTheCapIsKept()
    {
        string arg = new('a', 4000);
        var r = Feed("MKD " + arg + "\r\nNOOP\r\n");
        Expect(r, LineStatus.Ok, "MKD " + arg);
        Expect(r, LineStatus.Ok, "NOOP");
    }

    [TestCase(4097, 1)]
    [TestCase(5000, 5000)]
    [TestCase(5000, 8192)]
    [TestCase(4096, 8192)]
    [TestCase(20000, 1000)]
    [TestCase(100000, 65536)]
    public void LineOverFourKiBIsTooLongAndTheNextLineWorks(int length, int chunk)
    {
        byte[] all = B(new string('x', length) + "\r\nNOOP\r\n");
        var r = Feed(all.Chunk(chunk).ToArray());
        Expect(r, LineStatus.TooLong);
        Expect(r, LineStatus.Ok, "NOOP");
        Expect(r, LineStatus.Eof);
    }

    [Test]
    public void NulByte()
    {
        var r = Feed(new byte[] { (byte)'N', 0, (byte)'O', (byte)'P', 13, 10 }, B("NOOP\r\n"));
        Expect(r, LineStatus.HasNul);
        Expect(r, LineStatus.Ok, "NOOP");
    }

    [TestCase(new byte[] { 0x43, 0x57, 0x44, 0x20, 0xC3, 0x28 })]
    [TestCase(new byte[] { 0x43, 0x57, 0x44, 0x20, 0xE9 })]
    [TestCase(new byte[] { 0x43, 0x57, 0x44, 0x20, 0xED, 0xA0, 0x80 })]
    public void InvalidUtf8(byte[] line)
    {
        var r = Feed(line.Concat(B("\r\nNOOP\r\n")).ToArray());
        Expect(r, LineStatus.BadUtf8);
        Expect(r, LineStatus.Ok, "NOOP");
    }

    [Test]
    public void ValidUtf8IsDecoded()
    {
        var r = Feed("CWD r\u00e9sum\u00e9 \u65e5\u672c\r\n");
        Expect(r, LineStatus.Ok, "CWD r\u00e9sum\u00e9 \u65e5\u672c");
    }

    [Test]
    public void TelnetInterruptAndDataMarkBeforeAborAreStripped()
    {
        // What a client sends for ABOR: IAC IP, IAC (the DM goes out of band, urgent) or IAC DM, then ABOR.
        var r = Feed(new byte[] { 0xFF, 0xF4, 0xFF, 0xF2 }.Concat(B("ABOR\r\n")).ToArray(),
            new byte[] { 0xFF, 0xF4, 0xFF }.Concat(B("ABOR\r\n")).ToArray(),
            new byte[] { 0xF2 }.Concat(B("ABOR\r\n")).ToArray());
        Expect(r, LineStatus.Ok, "ABOR");
        Expect(r, LineStatus.Ok, "ABOR");
        Expect(r, LineStatus.Ok, "ABOR");
    }

    [Test]
    public void EofMidLineDropsThePartialLine()
    {
        var r = Feed("NOOP\r\nQUI");
        Expect(r, LineStatus.Ok, "NOOP");
        Expect(r, LineStatus.Eof);
        Expect(r, LineStatus.Eof);
    }

    [Test]
    public void EofWhileDiscardingALongLine()
    {
        var r = Feed(new string('y', 9000));
        Expect(r, LineStatus.Eof);
    }

    [Test]
    public void ErrorOnReadIsEof()
    {
        var r = new LineReader((_, _, _) => -1);
        Expect(r, LineStatus.Eof);
    }
}
