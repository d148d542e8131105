// One test per account key on a running server: chroot lists, login delay, local rates and umask, roots, per-user config, guest and nopriv accounts, the user list.
using System.Diagnostics;
using FtpFork.Tests.Accounts;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Keys;

[TestFixture, Parallelizable(ParallelScope.All)]
public class AccountKeysTests
{
    private static ServerProcess Local(params string[] more) =>
        ServerProcess.Start(new[] { "local_enable=YES", $"pam_service_name={AccountsSetup.PamService}" }.Concat(more).ToArray());

    private static FtpTestClient LogIn(ServerProcess server, TestUser user)
    {
        var c = server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Login(user.Name, user.Password).Code, Is.EqualTo(230), server.Log);
        return c;
    }

    private static string RootOwnedDir(string prefix)
    {
        string d = Directory.CreateTempSubdirectory(prefix).FullName;
        File.SetUnixFileMode(d, (UnixFileMode)Convert.ToInt32("755", 8));
        return d;
    }

    [Test]
    public void ChrootListFileNamesWhoIsChrootedWithChrootListEnable()
    {
        Need.Root();
        using var user = new TestUser();
        string list = Path.Combine(RootOwnedDir("ftpfork-chrootlist-"), "chroot_list");
        File.WriteAllText(list, user.Name + "\n");
        using var server = Local("chroot_list_enable=YES", $"chroot_list_file={list}", "allow_writeable_chroot=YES");
        using (var c = LogIn(server, user))
        {
            Assert.That(c.Command("PWD").ToString(), Is.EqualTo("257 \"/\" is the current directory"));
            Assert.That(Workers.Root(Workers.Find(server, $"{user.Name}:")), Is.EqualTo(user.Home), "listed: chrooted in the home");
            Assert.That(c.Command("QUIT").Code, Is.EqualTo(221));
        }
        File.WriteAllText(list, "someone-else\n"); // read at each login
        using (var c = LogIn(server, user))
        {
            Assert.That(c.Command("PWD").ToString(), Is.EqualTo($"257 \"{user.Home}\" is the current directory"));
            Assert.That(Workers.Root(Workers.Find(server, $"{user.Name}:")), Is.EqualTo("/"), "not listed: no chroot");
        }
        Directory.Delete(Path.GetDirectoryName(list)!, true);
    }

    [Test]
    public void DelaySuccessfulLoginHoldsThe230()
    {
        Need.Root();
        using var user = new TestUser();
        using var server = Local("delay_successful_login=1");
        using var c = server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        Assert.That(c.Command("USER " + user.Name).Code, Is.EqualTo(331));
        var sw = Stopwatch.StartNew();
        Assert.That(c.Command("PASS " + user.Password).Code, Is.EqualTo(230));
        Assert.That(sw.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)), "delay_successful_login=1 before the 230");
    }

    [Test]
    public void LocalMaxRateThrottlesALocalUsersDownload()
    {
        Need.Root();
        using var user = new TestUser();
        string sha = DataClient.RandomFile(Path.Combine(user.Home, "slow.bin"), 300_000);
        using var server = Local("local_max_rate=100000");
        using var c = LogIn(server, user);
        Assert.That(c.Command("TYPE I").Code, Is.EqualTo(200));
        using var d = DataClient.Pasv(c);
        var sw = Stopwatch.StartNew();
        Assert.That(c.Command("RETR slow.bin").Code, Is.EqualTo(150));
        Assert.That(DataClient.Sha(DataClient.ReadAll(d)), Is.EqualTo(sha));
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(sw.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(1.8)), "local_max_rate did not throttle");
    }

    [Test]
    public void LocalUmaskSetsTheModeOfWhatALocalUserMakes()
    {
        Need.Root();
        using var user = new TestUser();
        using var server = Local("write_enable=YES", "local_umask=027");
        using var c = LogIn(server, user);
        Assert.That(c.Command("MKD d").Code, Is.EqualTo(257));
        Assert.That(File.GetUnixFileMode(Path.Combine(user.Home, "d")), Is.EqualTo((UnixFileMode)Convert.ToInt32("750", 8)), "0777 & ~027");
        Assert.That(c.Command("TYPE I").Code, Is.EqualTo(200));
        var d = DataClient.Pasv(c);
        Assert.That(c.Command("STOR f.bin").Code, Is.EqualTo(150));
        DataClient.WriteAllAndClose(d, new byte[10]);
        Assert.That(c.ReadReply().Code, Is.EqualTo(226));
        Assert.That(File.GetUnixFileMode(Path.Combine(user.Home, "f.bin")), Is.EqualTo((UnixFileMode)Convert.ToInt32("640", 8)), "file_open_mode 0666 & ~027");
    }

    [Test]
    public void LocalRootWithUserSubTokenIsWhereALocalUserStarts()
    {
        Need.Root();
        using var user = new TestUser();
        string baseDir = RootOwnedDir("ftpfork-localroot-");
        string mine = Directory.CreateDirectory(Path.Combine(baseDir, user.Name)).FullName;
        try
        {
            using var server = Local($"local_root={baseDir}/%USER%", "user_sub_token=%USER%");
            using var c = LogIn(server, user);
            Assert.That(c.Command("PWD").ToString(), Is.EqualTo($"257 \"{mine}\" is the current directory"));
        }
        finally
        {
            Directory.Delete(baseDir, true);
        }
    }

    [TestCase("YES")]
    [TestCase("NO")]
    public void PasswdChrootEnableChrootsAtTheDotInTheHome(string value)
    {
        Need.Root();
        string baseDir = RootOwnedDir("ftpfork-passwdchroot-");
        try
        {
            using var user = new TestUser(home: name => $"{baseDir}/./{name}");
            using var server = Local($"passwd_chroot_enable={value}");
            using var c = LogIn(server, user);
            int pid = Workers.Find(server, $"{user.Name}:");
            if (value == "YES")
            {
                Assert.That(c.Command("PWD").ToString(), Is.EqualTo($"257 \"/{user.Name}\" is the current directory"));
                Assert.That(Workers.Root(pid), Is.EqualTo(baseDir), "chrooted at the part before /./");
            }
            else
            {
                Assert.That(c.Command("PWD").ToString(), Is.EqualTo($"257 \"{baseDir}/{user.Name}\" is the current directory"));
                Assert.That(Workers.Root(pid), Is.EqualTo("/"));
            }
        }
        finally
        {
            Directory.Delete(baseDir, true);
        }
    }

    [Test]
    public void UserConfigDirGivesOneUserItsOwnSettings()
    {
        Need.Root();
        using var user = new TestUser();
        using var other = new TestUser();
        string dir = RootOwnedDir("ftpfork-userconf-");
        File.WriteAllText(Path.Combine(dir, user.Name), "write_enable=YES\n");
        try
        {
            using var server = Local($"user_config_dir={dir}");
            using (var c = LogIn(server, user))
                Assert.That(c.Command("MKD made").Code, Is.EqualTo(257), "write_enable=YES from its file");
            Assert.That(Directory.Exists(Path.Combine(user.Home, "made")), Is.True);
            using (var c = LogIn(server, other))
                Assert.That(c.Command("MKD made").ToString(), Is.EqualTo("550 Permission denied."), "no file: the server's write_enable=NO");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void GuestUsernameIsTheAccountVirtualUsersRunAs()
    {
        Need.Root();
        using var guest = new TestUser();
        string name = "vu" + Guid.NewGuid().ToString("N")[..8], password = "Vpw-" + Guid.NewGuid().ToString("N")[..8];
        string hash = RunTool.Run("openssl", new[] { "passwd", "-6", password }).Stdout.Trim();
        string baseDir = RootOwnedDir("ftpfork-guest-");
        try
        {
            File.WriteAllText(Path.Combine(baseDir, "users"), $"{name}:{hash}\n");
            using var server = ServerProcess.Start("guest_enable=YES", $"virtual_users_file={baseDir}/users", $"local_root={baseDir}",
                $"guest_username={guest.Name}");
            using var c = server.Connect();
            Assert.That(c.ReadReply().Code, Is.EqualTo(220));
            Assert.That(c.Login(name, password).Code, Is.EqualTo(230), server.Log);
            int pid = Workers.Find(server, $"{name}:");
            Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(guest.Uid.ToString()));
            Assert.That(ProcTools.StatusField(pid, "Gid"), Is.All.EqualTo(guest.Gid.ToString()));
        }
        finally
        {
            Directory.Delete(baseDir, true);
        }
    }

    [Test]
    public void NoprivUserInSecureChrootDirServesClientsBeforeLogin()
    {
        Need.Root();
        using var nopriv = new TestUser();
        string empty = RootOwnedDir("ftpfork-empty-");
        try
        {
            using var server = Local("anonymous_enable=NO", $"nopriv_user={nopriv.Name}", $"secure_chroot_dir={empty}");
            using var c = server.Connect();
            Assert.That(c.ReadReply().Code, Is.EqualTo(220));
            int pid = Workers.Find(server, "127.0.0.1: connected");
            Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(nopriv.Uid.ToString()));
            Assert.That(ProcTools.StatusField(pid, "Gid"), Is.All.EqualTo(nopriv.Gid.ToString()));
            Assert.That(Workers.Root(pid), Is.EqualTo(empty));
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Test]
    public void FtpUsernameIsTheAccountAnonymousRunsAsAndNobodyWhenItIsMissing()
    {
        Need.Root();
        using var account = new TestUser();
        using (var server = ServerProcess.Start($"ftp_username={account.Name}"))
        using (var c = DataClient.LoggedIn(server))
        {
            int pid = Workers.Find(server, "anonymous:");
            Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(account.Uid.ToString()));
            Assert.That(Workers.Root(pid), Is.EqualTo(server.Root), "chrooted in anon_root all the same");
        }
        using (var server = ServerProcess.Start("ftp_username=ftpfork-no-such-user"))
        {
            Assert.That(server.LogShows("ftp_username ftpfork-no-such-user does not exist: anonymous sessions run as nobody"), Is.True, server.Log);
            using var c = DataClient.LoggedIn(server);
            int pid = Workers.Find(server, "anonymous:");
            Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(Workers.Account("nobody", 2).ToString()));
        }
    }

    [Test]
    public void UserlistDenyNoMakesTheListTheOnlyNamesAllowed()
    {
        string list = Path.Combine(Path.GetTempPath(), $"ftpfork-userlist-{Guid.NewGuid():N}");
        File.WriteAllText(list, "alice\n");
        try
        {
            using var server = ServerProcess.Start("local_enable=YES", "userlist_enable=YES", "userlist_deny=NO", $"userlist_file={list}");
            using var c = server.Connect();
            Assert.That(c.ReadReply().Code, Is.EqualTo(220));
            Assert.That(c.Command("USER bob").ToString(), Is.EqualTo("530 Permission denied."), "not listed: refused at USER");
            Assert.That(c.Command("USER alice").ToString(), Is.EqualTo("331 Please specify the password."), "listed: asked for the password");
        }
        finally
        {
            File.Delete(list);
        }
    }
}
