// Local users through PAM: identity of the session worker, chroot rules, failed logins, deny lists, limits that follow the session.
using System.Diagnostics;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Accounts;

[TestFixture, Parallelizable(ParallelScope.All)]
public class AccountsTests
{
    private TestUser _user = null!;

    [OneTimeSetUp]
    public void MakeUser()
    {
        if (AccountsSetup.IsRoot) _user = new TestUser();
    }

    [OneTimeTearDown]
    public void RemoveUser() => _user?.Dispose();

    private ServerProcess Local(params string[] more) =>
        ServerProcess.Start(new[] { "local_enable=YES", $"pam_service_name={AccountsSetup.PamService}" }.Concat(more).ToArray());

    [Test]
    public void PamLoginRunsTheSessionAsTheUser()
    {
        Need.Root();
        using var server = Local();
        using var c = server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        int preLogin = Workers.Find(server, "127.0.0.1: connected");
        Assert.That(c.Login(_user.Name, _user.Password).Code, Is.EqualTo(230), server.Log);
        Assert.That(c.Command("PWD").Text, Does.StartWith($"\"{_user.Home}\""));
        Assert.That(c.Command("STAT").Lines, Does.Contain("     At session startup, client count was 1"), "carried over to the session worker");
        int pid = Workers.Find(server, $"{_user.Name}:");
        Assert.That(pid, Is.Not.Zero.And.Not.EqualTo(preLogin), "the session moved to a new worker");
        Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(_user.Uid.ToString()));
        Assert.That(ProcTools.StatusField(pid, "Gid"), Is.All.EqualTo(_user.Gid.ToString()));
        Assert.That(ProcTools.StatusField(pid, "Groups"), Does.Not.Contain("0").And.Not.Contain(Workers.Account("root", 3).ToString()));
        var idGroups = RunTool.Run("id", new[] { "-G", _user.Name }).Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var groups = string.Join(' ', ProcTools.StatusField(pid, "Groups")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(groups, Is.EquivalentTo(idGroups), "the account's groups (incl. users), as initgroups would set them");
        Assert.That(Workers.Root(pid), Is.EqualTo("/"), "no chroot unless configured");
        Assert.That(ProcTools.WaitUntil(() => !ProcTools.Exists(preLogin), TimeSpan.FromSeconds(5)), "the pre-login worker exits");
    }

    [Test]
    public void PamModulesStayMappedInTheMasterBetweenLogins()
    {
        Need.Root();
        using var server = Local();
        for (int i = 0; i < 2; i++)
        {
            using var c = server.Connect();
            Assert.That(c.ReadReply().Code, Is.EqualTo(220));
            Assert.That(c.Login(_user.Name, _user.Password).Code, Is.EqualTo(230), server.Log);
            // pam_end has run by now: without pinning it would have unmapped every module it loaded.
            string maps = File.ReadAllText($"/proc/{server.Pid}/maps");
            Assert.That(maps, Does.Contain("/pam_unix.so"), $"login {i + 1}: pam_unix.so stays mapped in the master after pam_end");
            Assert.That(maps, Does.Contain("/pam_listfile.so"));
        }
    }

    [Test]
    public void PreLoginWorkerIsNoprivInTheEmptyChroot()
    {
        Need.Root();
        // With anonymous logins on, pre-login workers are the anonymous account instead (GuestAndAnonymousTests).
        using var server = Local("anonymous_enable=NO");
        using var c = server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        int pid = Workers.Find(server, "127.0.0.1: connected");
        uint nobody = Workers.Account("nobody", 2);
        Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(nobody.ToString()));
        Assert.That(ProcTools.StatusField(pid, "Groups"), Is.Empty);
        Assert.That(Workers.Root(pid), Is.EqualTo("/usr/share/empty"));
        Assert.That(ProcTools.StatusField(pid, "NoNewPrivs"), Is.EqualTo(new[] { "1" }));
        int pool = Workers.Find(server, "worker (pool)");
        Assert.That(ProcTools.WaitUntil(() => ProcTools.StatusField(pool, "Uid")[0] == nobody.ToString(), TimeSpan.FromSeconds(5)),
            "a pool worker drops before any client is handed to it");
    }

    [Test]
    public void WrongPasswordIsDelayedAndTheThirdFailureCloses()
    {
        Need.Root();
        using var server = Local("delay_failed_login=1", "max_login_fails=3");
        using var c = server.Connect();
        c.ReadReply();
        var sw = Stopwatch.StartNew();
        Assert.That(c.Login(_user.Name, "wrong").Code, Is.EqualTo(530));
        Assert.That(sw.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)), "delay_failed_login before the 530");
        Assert.That(c.Login(_user.Name, "wrong").Code, Is.EqualTo(530));
        Assert.That(c.Login(_user.Name, "wrong").Code, Is.EqualTo(530));
        Assert.That(c.WaitForClose(5000), Is.True, "after max_login_fails the connection is closed: no 4th try");
    }

    [Test]
    public void WritableChrootRootIsRefusedUnlessAllowed()
    {
        Need.Root();
        using (var server = Local("chroot_local_user=YES"))
        using (var c = server.Connect())
        {
            c.ReadReply();
            var r = c.Login(_user.Name, _user.Password);
            Assert.That(r.Code, Is.EqualTo(500));
            Assert.That(r.Text, Is.EqualTo("OOPS: ftpfork: refusing to run with writable root inside chroot()"));
            Assert.That(c.WaitForClose(5000), Is.True);
        }
        using (var server = Local("chroot_local_user=YES", "allow_writeable_chroot=YES"))
        using (var c = server.Connect())
        {
            c.ReadReply();
            Assert.That(c.Login(_user.Name, _user.Password).Code, Is.EqualTo(230));
            Assert.That(c.Command("PWD").Text, Does.StartWith("\"/\""));
            int pid = Workers.Find(server, $"{_user.Name}:");
            Assert.That(Workers.Root(pid), Is.EqualTo(_user.Home));
            Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(_user.Uid.ToString()));
        }
    }

    [Test]
    public void DeniedUsersAreRefusedAtUser()
    {
        Need.Root();
        string list = Path.Combine(Path.GetTempPath(), $"ftpfork-userlist-{Guid.NewGuid():N}");
        File.WriteAllText(list, _user.Name + "\n");
        try
        {
            using var server = Local("userlist_enable=YES", $"userlist_file={list}");
            using var c = server.Connect();
            c.ReadReply();
            Assert.That(c.Command("USER " + _user.Name).Code, Is.EqualTo(530), "no 331: the password is never asked");
            Assert.That(c.Command("PASS " + _user.Password).Code, Is.EqualTo(503));
            Assert.That(c.Command("USER root").Code, Is.EqualTo(530), "root is always denied");
            Assert.That(server.LogBarrier(), Does.Not.Contain("login as"), "the master never saw a login to decide");
        }
        finally
        {
            File.Delete(list);
        }
    }

    [Test]
    public void OverlongUserAndPassGetRepliesNotCrashes()
    {
        Need.Root();
        using var server = Local();
        using var c = server.Connect();
        c.ReadReply();
        Assert.That(c.Command("USER " + new string('a', 10000)).Code, Is.EqualTo(500));
        Assert.That(c.Command("USER " + new string('a', 3000)).Code, Is.EqualTo(530));
        Assert.That(c.Command("USER " + new string('a', 40)).Code, Is.EqualTo(530));
        Assert.That(c.Command("USER ../../etc").Code, Is.EqualTo(530));
        Assert.That(c.Command("USER " + _user.Name).Code, Is.EqualTo(331));
        Assert.That(c.Command("PASS " + new string('p', 4000)).Code, Is.EqualTo(530));
        Assert.That(c.Command("USER " + _user.Name).Code, Is.EqualTo(331));
        Assert.That(c.Command("PASS a\uFFFDb").Code, Is.EqualTo(530), "a password the AUTH format cannot carry is refused in the worker");
        Assert.That(c.Login(_user.Name, _user.Password).Code, Is.EqualTo(230), "the same session still logs in");
        Assert.That(server.LogBarrier(), Does.Not.Contain("malformed"));
    }

    [Test]
    public void ClientSlotFollowsTheSessionToItsNewWorker()
    {
        Need.Root();
        using var server = Local("max_per_ip=1");
        using var c1 = server.Connect();
        c1.ReadReply();
        Assert.That(c1.Login(_user.Name, _user.Password).Code, Is.EqualTo(230));
        Assert.That(ProcTools.WaitUntil(() => server.Log.Contains("exited (exit 0)\n") || server.Log.Contains("exited (exit 0)\r"),
            TimeSpan.FromSeconds(5)), "the pre-login worker was reaped");
        using (var c2 = server.Connect())
            Assert.That(c2.ReadReply().Code, Is.EqualTo(421), "the logged-in session still holds the IP's one slot");
        Assert.That(c1.Command("QUIT").Code, Is.EqualTo(221));
        Assert.That(server.LogShows("exited (exit 0), client 127.0.0.1"), server.Log);
        using var c3 = server.Connect();
        Assert.That(c3.ReadReply().Code, Is.EqualTo(220), "released once the session worker is reaped");
    }

    [Test]
    public void SessionUserHasNoWayToShadow()
    {
        Need.Root();
        using var server = Local();
        using var c = server.Connect();
        c.ReadReply();
        Assert.That(c.Login(_user.Name, _user.Password).Code, Is.EqualTo(230));
        int pid = Workers.Find(server, $"{_user.Name}:");
        uint shadowGid = uint.Parse(RunTool.Run("getent", new[] { "group", "shadow" }).Stdout.Split(':')[2]);
        Assert.That(ProcTools.StatusField(pid, "Uid"), Does.Not.Contain("0"));
        Assert.That(ProcTools.StatusField(pid, "Groups"), Does.Not.Contain(shadowGid.ToString()));
        Assert.That(ProcTools.StatusField(pid, "CapEff"), Is.EqualTo(new[] { "0000000000000000" }));
        Assert.That(ProcTools.StatusField(pid, "CapPrm"), Is.EqualTo(new[] { "0000000000000000" }));
    }

    [Test]
    public void RetrOfShadowIsRefused()
    {
        Need.Root();
        using var server = Local();
        var r = RunTool.Python($$"""
            import ftplib
            f = ftplib.FTP(); f.connect('127.0.0.1', {{server.Port}}); f.login('{{_user.Name}}', '{{_user.Password}}')
            try:
                f.retrbinary('RETR /etc/shadow', lambda b: print('GOT', len(b)))
            except ftplib.error_perm as e:
                print('REFUSED', e)
            """);
        Assert.That(r.Stdout, Does.StartWith("REFUSED 550").And.Not.Contain("GOT"), r.Stderr);
    }
}
