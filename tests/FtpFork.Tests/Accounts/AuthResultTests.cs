// Unit tests of the master→worker AUTHRESULT verdict (AuthResult) and the login-name rules (LoginNames).
using FtpFork.Common.Accounts;
using FtpFork.Common.Ipc;
using NUnit.Framework;

namespace FtpFork.Tests.Accounts;

[TestFixture, Parallelizable(ParallelScope.All)]
public class AuthResultTests
{
    [Test]
    public void EveryVerdictRoundTrips()
    {
        foreach (var r in new[] { AuthResult.Moved, AuthResult.Here, AuthResult.Refused, AuthResult.Oops("cannot change directory:/srv/x") })
        {
            var back = AuthResult.Parse(r.Format(), out string why);
            Assert.That(back, Is.Not.Null, why);
            Assert.That(back!.Verdict, Is.EqualTo(r.Verdict));
            Assert.That(back.Reason, Is.EqualTo(r.Reason));
        }
        Assert.That(AuthResult.Moved.Format(), Is.EqualTo("OK"));
        Assert.That(AuthResult.Here.Format(), Is.EqualTo("HERE"));
        Assert.That(AuthResult.Refused.Format(), Is.EqualTo("FAIL"));
        Assert.That(AuthResult.Oops("Server is shutting down.").Format(), Is.EqualTo("OOPS\nServer is shutting down."));
    }

    [TestCase("")]
    [TestCase("ok")]
    [TestCase("OK\n")]
    [TestCase(" OK")]
    [TestCase("FAIL\nreason")]
    [TestCase("HERE\n")]
    [TestCase("OOPS")]
    [TestCase("OOPS\n")]
    [TestCase("OOPS\nfirst\nsecond")]
    [TestCase("OOPS\nforged\r\n230 Login successful.")]
    [TestCase("OOPS\nnul\0")]
    [TestCase("SUCCESS")]
    public void MalformedVerdictsAreRejected(string body)
    {
        Assert.That(AuthResult.Parse(body, out string why), Is.Null);
        Assert.That(why, Is.Not.Empty);
    }

    [Test]
    public void AnOopsReasonIsAlwaysOneLine()
    {
        var r = AuthResult.Oops("user_config_dir: a\r\n230 forged");
        Assert.That(r.Reason, Is.EqualTo("user_config_dir: a  230 forged"));
        Assert.That(AuthResult.Parse(r.Format(), out _)?.Reason, Is.EqualTo(r.Reason));
        Assert.That(AuthResult.Parse(AuthResult.Oops("").Format(), out _), Is.Not.Null);
    }

    [TestCase("anonymous", true)]
    [TestCase("FTP", true)]
    [TestCase("Anonymous", true)]
    [TestCase("ftpuser", false)]
    [TestCase("anon", false)]
    public void AnonymousNames(string name, bool anonymous) =>
        Assert.That(LoginNames.IsAnonymous(name), Is.EqualTo(anonymous));

    [TestCase("alice", true)]
    [TestCase("a.b_c-d@e", true)]
    [TestCase("", false)]
    [TestCase(".hidden", false)]
    [TestCase("-n", false)]
    [TestCase("ali ce", false)]
    [TestCase("ali/ce", false)]
    [TestCase("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true)]
    [TestCase("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    public void ValidNames(string name, bool valid) =>
        Assert.That(LoginNames.IsValid(name), Is.EqualTo(valid));
}
