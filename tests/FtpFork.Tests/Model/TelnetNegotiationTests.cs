// Telnet option negotiation (IAC WILL/WONT/DO/DONT x, IAC SB ... IAC SE) is stripped from command lines, as IAC IP and DM are.
using System.Text;
using FtpFork.Tests.Harness;
using FtpFork.Worker;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class TelnetNegotiationTests
{
    private static CommandLine Line(byte[] bytes)
    {
        bool fed = false;
        var r = new LineReader((buf, off, n) =>
        {
            if (fed) return 0;
            fed = true;
            bytes.CopyTo(buf, off);
            return bytes.Length;
        });
        return r.ReadLine();
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [TestCase(new byte[] { 0xFF, 0xFB, 0x18 }, "WILL TERMINAL-TYPE")]
    [TestCase(new byte[] { 0xFF, 0xFC, 0x4E }, "WONT with an option byte that is a letter")]
    [TestCase(new byte[] { 0xFF, 0xFD, 0x01 }, "DO ECHO")]
    [TestCase(new byte[] { 0xFF, 0xFE, 0x03 }, "DONT SUPPRESS-GO-AHEAD")]
    [TestCase(new byte[] { 0xFF, 0xFA, 0x18, 0x00, 0x41, 0xFF, 0xFF, 0x42, 0xFF, 0xF0 }, "SB TERMINAL-TYPE IS ... SE")]
    public void NegotiationIsStripped(byte[] negotiation, string what)
    {
        var line = Line(negotiation.Concat(B("NOOP")).Concat(negotiation).Concat(B(" x\r\n")).ToArray());
        Assert.That(line, Is.EqualTo(new CommandLine(LineStatus.Ok, "NOOP x")), what);
    }

    [Test]
    public void LiteralIacAndIpStillWork()
    {
        Assert.That(Line(new byte[] { 0xFF, 0xF4, 0xFF, 0xF2 }.Concat(B("ABOR\r\n")).ToArray()).Text, Is.EqualTo("ABOR"));
        Assert.That(Line(B("A").Concat(new byte[] { 0xFF, 0xFF }).Concat(B("\r\n")).ToArray()).Status, Is.EqualTo(LineStatus.BadUtf8),
            "IAC IAC is one 0xFF byte (not UTF-8)");
    }

    [Test]
    public void ServerAnswersCommandsAfterNegotiation()
    {
        using var server = ServerProcess.Start();
        using var c = server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        c.SendRaw(new byte[] { 0xFF, 0xFB, 0x18, 0xFF, 0xFD, 0x03 }.Concat(B("NOOP\r\n")).ToArray());
        Assert.That(c.ReadReply().Code, Is.EqualTo(200));
        c.SendRaw(B("USER ").Concat(new byte[] { 0xFF, 0xFE, 0x01 }).Concat(B("anonymous\r\n")).ToArray());
        Assert.That(c.ReadReply().Code, Is.EqualTo(331));
    }
}
