// Removes the run's test certificates (TestCert) after the last test.
using NUnit.Framework;

[SetUpFixture]
public class TestCertCleanup
{
    [OneTimeTearDown]
    public void RemoveCertificates() => FtpFork.Tests.Harness.TestCert.RemoveAll();
}
