// pam_acct_mgmt is honoured: a right password for an expired or locked account is still a 530.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Accounts;

[TestFixture, Parallelizable(ParallelScope.All)]
public class AccountExpiryTests
{
    private static ServerProcess Local() =>
        ServerProcess.Start("local_enable=YES", $"pam_service_name={AccountsSetup.PamService}");

    [TestCase("chage", "-E", "0")]   // account expired on 1970-01-01: pam_acct_mgmt says no
    [TestCase("usermod", "-L", null)] // password locked: pam_authenticate says no
    public void RightPasswordOfARefusedAccountIs530(string tool, string flag, string? value)
    {
        Need.Root();
        using var user = new TestUser();
        using var server = Local();
        using (var ok = server.Connect())
        {
            Assert.That(ok.ReadReply().Code, Is.EqualTo(220));
            Assert.That(ok.Login(user.Name, user.Password).Code, Is.EqualTo(230), "the account works before it is refused");
        }
        var args = value == null ? new[] { flag, user.Name } : new[] { flag, value, user.Name };
        var edited = TestUser.Edit(tool, args);
        Assert.That(edited.ExitCode, Is.Zero, edited.Stderr);
        using var c = server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        var r = c.Login(user.Name, user.Password);
        Assert.That(r.ToString(), Is.EqualTo("530 Login incorrect."), server.Log);
        Assert.That(c.Command("PWD").Code, Is.EqualTo(530), "still not logged in");
    }
}
