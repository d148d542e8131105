// Unit test of SignalWatch.Send: a signal it does not know is an error, never a SIGKILL.
using System.Diagnostics;
using FtpFork.Common.Interop;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class SignalWatchTests
{
    [Test]
    public void AnUnknownSignalThrowsAndKillsNothing()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => SignalWatch.Send(child.Id, (Sig)99));
            Assert.That(child.WaitForExit(200), Is.False, "the child was signalled");
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }
}
