// The LOG message's strict parser, without processes.
using FtpFork.Common.Ipc;
using NUnit.Framework;

namespace FtpFork.Tests.Service;

[TestFixture, Parallelizable(ParallelScope.All)]
public class ActivityRecordTests
{
    [Test]
    public void ARecordRoundTripsWithAnyTextLast()
    {
        var r = new ActivityRecord(LogKind.Rename, false, 12, 3456, true, "/a\nb /c\r\"d\"");
        Assert.That(ActivityRecord.Parse(r.Format(), out string why), Is.EqualTo(r), why);
    }

    [TestCase("what=DOWNLOAD\nok=1\nbytes=1\nusec=1\nascii=0", "too few lines")]
    [TestCase("what=SHUTDOWN\nok=1\nbytes=1\nusec=1\nascii=0\ntext=", "bad what")]
    [TestCase("what=DOWNLOAD\nok=2\nbytes=1\nusec=1\nascii=0\ntext=", "bad flag")]
    [TestCase("what=DOWNLOAD\nok=1\nbytes=-1\nusec=1\nascii=0\ntext=", "bad bytes")]
    [TestCase("what=DOWNLOAD\nok=1\nusec=1\nbytes=1\nascii=0\ntext=", "expected bytes=")]
    [TestCase("what=DOWNLOAD\nok=1\nbytes=99999999999999999999\nusec=1\nascii=0\ntext=", "bad bytes")]
    public void AMalformedRecordIsRefusedWithWhy(string body, string expected)
    {
        Assert.That(ActivityRecord.Parse(body, out string why), Is.Null);
        Assert.That(why, Is.EqualTo(expected));
    }

    [Test]
    public void ATextLongerThanTheBoundIsRefused()
    {
        string body = "what=NOTE\nok=1\nbytes=0\nusec=0\nascii=0\ntext=" + new string('x', ActivityRecord.MaxText + 1);
        Assert.That(ActivityRecord.Parse(body, out string why), Is.Null);
        Assert.That(why, Is.EqualTo("text too long"));
    }
}
