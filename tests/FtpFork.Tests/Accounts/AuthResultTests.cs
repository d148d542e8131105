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

    /// <summary>Near misses of the four forms: case, spacing, extra lines, a reason that would forge a reply.</summary>
    private static readonly string[] Malformed =
    {
        "", "ok", "OK\n", " OK", "FAIL\nreason", "HERE\n", "OOPS", "OOPS\n", "OOPS\nfirst\nsecond",
        "OOPS\nforged\r\n230 Login successful.", "OOPS\nnul\0", "SUCCESS",
    };

    [Test]
    public void MalformedVerdictsAreRejected()
    {
        foreach (var body in Malformed)
        {
            Assert.That(AuthResult.Parse(body, out string why), Is.Null, body);
            Assert.That(why, Is.Not.Empty, body);
        }
    }

    [Test]
    public void AnOopsReasonIsAlwaysOneLine()
    {
        var r = AuthResult.Oops("user_config_dir: a\r\n230 forged");
        Assert.That(r.Reason, Is.EqualTo("user_config_dir: a  230 forged"));
        Assert.That(AuthResult.Parse(r.Format(), out _)?.Reason, Is.EqualTo(r.Reason));
        Assert.That(AuthResult.Parse(AuthResult.Oops("").Format(), out _), Is.Not.Null);
    }

    [Test]
    public void TheLoginNameRules()
    {
        string[] anonymous = { "anonymous", "FTP", "Anonymous" }, notAnonymous = { "ftpuser", "anon" };
        string[] valid = { "alice", "a.b_c-d@e", new string('a', 32) };
        string[] invalid = { "", ".hidden", "-n", "ali ce", "ali/ce", new string('a', 33) };
        Assert.Multiple(() =>
        {
            foreach (var n in anonymous) Assert.That(LoginNames.IsAnonymous(n), Is.True, n);
            foreach (var n in notAnonymous) Assert.That(LoginNames.IsAnonymous(n), Is.False, n);
            foreach (var n in valid) Assert.That(LoginNames.IsValid(n), Is.True, n);
            foreach (var n in invalid) Assert.That(LoginNames.IsValid(n), Is.False, n);
        });
    }
}
