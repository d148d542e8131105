// Anonymous and virtual users as root: their account, their chroot, and what they may write.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Accounts;

[TestFixture, Parallelizable(ParallelScope.All)]
public class GuestAndAnonymousTests
{
    [Test]
    public void AnonymousRunsAsFtpChrootedInAnonRoot()
    {
        Need.Root();
        using var server = ServerProcess.Start();
        using var c = server.Connect();
        c.ReadReply();
        Assert.That(c.Login("anonymous", "x@y").Code, Is.EqualTo(230));
        int pid = Workers.Find(server, "anonymous:");
        Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(Workers.Account("ftp", 2).ToString()));
        Assert.That(ProcTools.StatusField(pid, "Groups"), Is.Empty);
        Assert.That(Workers.Root(pid), Is.EqualTo(server.Root));
    }

    [Test]
    public void AnonymousLoginStaysInThePreLoginWorker()
    {
        Need.Root();
        using var server = ServerProcess.Start();
        using var c = server.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        int preLogin = Workers.Find(server, "127.0.0.1: connected");
        string ftp = Workers.Account("ftp", 2).ToString();
        // Before login it already is what an anonymous session is: ftp, no groups, in the anonymous root.
        Assert.That(ProcTools.StatusField(preLogin, "Uid"), Is.All.EqualTo(ftp));
        Assert.That(ProcTools.StatusField(preLogin, "Groups"), Is.Empty);
        Assert.That(Workers.Root(preLogin), Is.EqualTo(server.Root));
        Assert.That(ProcTools.StatusField(preLogin, "NoNewPrivs"), Is.EqualTo(new[] { "1" }));
        Assert.That(c.Login("anonymous", "x@y").Code, Is.EqualTo(230), server.Log);
        Assert.That(Workers.Find(server, "anonymous:"), Is.EqualTo(preLogin), "no second process for an anonymous session");
        Assert.That(c.Command("PWD").Text, Does.StartWith("\"/\""));
        Assert.That(server.LogShows("in the pre-login process"), server.Log);
        // The master accepts no second login from that worker (its pre-login is over).
        Assert.That(c.Command("USER someone").Code, Is.EqualTo(530));
    }

    [Test]
    public void AnonSingleProcessOffMovesAnonymousToANewWorker()
    {
        Need.Root();
        using var server = ServerProcess.Start("anon_single_process=NO");
        using var c = server.Connect();
        c.ReadReply();
        int preLogin = Workers.Find(server, "127.0.0.1: connected");
        Assert.That(ProcTools.StatusField(preLogin, "Uid"), Is.All.EqualTo(Workers.Account("nobody", 2).ToString()));
        Assert.That(c.Login("anonymous", "x@y").Code, Is.EqualTo(230), server.Log);
        int pid = Workers.Find(server, "anonymous:");
        Assert.That(pid, Is.Not.EqualTo(preLogin));
        Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(Workers.Account("ftp", 2).ToString()));
        Assert.That(Workers.Root(pid), Is.EqualTo(server.Root));
    }

    [Test]
    public void AnonRootWritableByFtpKeepsPreLoginAsNoprivAndRefusesTheLogin()
    {
        Need.Root();
        string dir = Directory.CreateTempSubdirectory("ftpfork-anon-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        RunTool.Run("chown", new[] { "ftp", dir });
        using var server = ServerProcess.Start($"anon_root={dir}"); // the later line wins
        Assert.That(server.LogShows($"anon_single_process not used: anonymous root {dir} is writable by ftp"), server.Log);
        using var c = server.Connect();
        c.ReadReply();
        int preLogin = Workers.Find(server, "127.0.0.1: connected");
        Assert.That(ProcTools.StatusField(preLogin, "Uid"), Is.All.EqualTo(Workers.Account("nobody", 2).ToString()));
        Assert.That(Workers.Root(preLogin), Is.EqualTo("/usr/share/empty"));
        var r = c.Login("anonymous", "x@y");
        Assert.That(r.Code, Is.EqualTo(500), "vsftpd 3 refuses a writable chroot root");
        Assert.That(r.Text, Does.Contain("writable root inside chroot"));
        Directory.Delete(dir);
    }

    [Test]
    public void AnonymousPasswordsAreCheckedAgainstTheEmailLists()
    {
        string dir = Directory.CreateTempSubdirectory("ftpfork-emails-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "banned"), "# spammers\nbad@example.com\n");
            File.WriteAllText(Path.Combine(dir, "allowed"), "ok@example.com\nbad@example.com\n");
            using (var server = ServerProcess.Start("deny_email_enable=YES", $"banned_email_file={dir}/banned"))
            {
                using var bad = server.Connect();
                bad.ReadReply();
                Assert.That(bad.Login("anonymous", "bad@example.com").Code, Is.EqualTo(530));
                using var good = server.Connect();
                good.ReadReply();
                Assert.That(good.Login("anonymous", "someone@example.com").Code, Is.EqualTo(230));
            }
            using (var server = ServerProcess.Start("secure_email_list_enable=YES", $"email_password_file={dir}/allowed",
                "deny_email_enable=YES", $"banned_email_file={dir}/banned"))
            {
                string[] tries = { "ok@example.com", "someone@example.com", "bad@example.com" };
                int[] codes = { 230, 530, 530 }; // listed; not listed; listed but banned
                for (int i = 0; i < tries.Length; i++)
                {
                    using var c = server.Connect();
                    c.ReadReply();
                    Assert.That(c.Login("anonymous", tries[i]).Code, Is.EqualTo(codes[i]), tries[i]);
                }
                Assert.That(server.LogShows("anonymous password not in email_password_file"), server.Log);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void AnonymousCannotWriteUnlessEnabled()
    {
        Need.Root();
        using var server = ServerProcess.Start("write_enable=YES");
        // pub is 0777: the kernel would let the ftp account write there; only the server's check refuses.
        string pub = DataClient.WritableDir(server);
        using var c = server.Connect();
        c.ReadReply();
        Assert.That(c.Login("anonymous", "x@y").Code, Is.EqualTo(230));
        Assert.That(c.Command("MKD pub/made").ToString(), Is.EqualTo("550 Permission denied."), "anon_mkdir_write_enable=NO");
        Assert.That(Directory.Exists(Path.Combine(pub, "made")), Is.False);
    }

    [Test]
    public void VirtualUserLandsInItsOwnLocalRootAsTheGuest()
    {
        Need.Root();
        string name = "vu" + Guid.NewGuid().ToString("N")[..8], password = "Vpw-" + Guid.NewGuid().ToString("N")[..8];
        string hash = RunTool.Run("openssl", new[] { "passwd", "-6", password }).Stdout.Trim();
        string baseDir = Directory.CreateTempSubdirectory("ftpfork-virt-").FullName;
        try
        {
            File.SetUnixFileMode(baseDir, (UnixFileMode)Convert.ToInt32("755", 8));
            string mine = Directory.CreateDirectory(Path.Combine(baseDir, name)).FullName;
            File.SetUnixFileMode(mine, (UnixFileMode)Convert.ToInt32("755", 8));
            string users = Path.Combine(baseDir, "virtual_users");
            File.WriteAllText(users, $"other:{hash}\n{name}:{hash}\n");
            using var server = ServerProcess.Start("guest_enable=YES", $"virtual_users_file={users}",
                $"local_root={baseDir}/$USER", "user_sub_token=$USER", "write_enable=YES", "virtual_use_local_privs=YES");
            using (var bad = server.Connect())
            {
                bad.ReadReply();
                Assert.That(bad.Login(name, "wrong").Code, Is.EqualTo(530));
            }
            using var c = server.Connect();
            c.ReadReply();
            Assert.That(c.Login(name, password).Code, Is.EqualTo(230), server.Log);
            int pid = Workers.Find(server, $"{name}:");
            Assert.That(ProcTools.StatusField(pid, "Uid"), Is.All.EqualTo(Workers.Account("ftp", 2).ToString()));
            Assert.That(Workers.Root(pid), Is.EqualTo(mine));
            Assert.That(c.Command("PWD").Text, Does.StartWith("\"/\""));
            string upload = Directory.CreateDirectory(Path.Combine(mine, "upload")).FullName;
            RunTool.Run("chown", new[] { "ftp", upload });
            Assert.That(c.Command("MKD /upload/made").Code, Is.EqualTo(257));
            var st = new DirectoryInfo(Path.Combine(upload, "made"));
            Assert.That(RunTool.Run("stat", new[] { "-c", "%u", st.FullName }).Stdout.Trim(), Is.EqualTo(Workers.Account("ftp", 2).ToString()));
        }
        finally
        {
            Directory.Delete(baseDir, recursive: true);
        }
    }
}
