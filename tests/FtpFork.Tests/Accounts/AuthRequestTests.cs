// Unit tests of the worker→master AUTH request parser and the master→session hand-over format.
using System.Text;
using FtpFork.Common.Config;
using FtpFork.Common.Ipc;
using FtpFork.Worker;
using NUnit.Framework;

namespace FtpFork.Tests.Accounts;

[TestFixture, Parallelizable(ParallelScope.All)]
public class AuthRequestTests
{
    private static readonly string Good = new AuthRequest("alice", "pa ss:w\rd", 'I', true, "NOOP\r\n"u8.ToArray()).Format();

    [Test]
    public void WellFormedRequestRoundTrips()
    {
        var r = AuthRequest.Parse(Good, out string why);
        Assert.That(r, Is.Not.Null, why);
        Assert.That(r!.User, Is.EqualTo("alice"));
        Assert.That(r.Password, Is.EqualTo("pa ss:w\rd"));
        Assert.That(r.Type, Is.EqualTo('I'));
        Assert.That(r.Utf8, Is.True);
        Assert.That(Encoding.ASCII.GetString(r.Pending), Is.EqualTo("NOOP\r\n"));
    }

    [TestCase("")]
    [TestCase("alice\npw\nA\n1")]
    [TestCase("alice\npw\nA\n1\n\n0\n0\n\nextra")]
    [TestCase("ali/ce\npw\nA\n1\n\n0\n0\n")]
    [TestCase("..\npw\nA\n1\n\n0\n0\n")]
    [TestCase("-x\npw\nA\n1\n\n0\n0\n")]
    [TestCase("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\npw\nA\n1\n\n0\n0\n")]
    [TestCase("alice\np\0w\nA\n1\n\n0\n0\n")]
    [TestCase("alice\npw\nE\n1\n\n0\n0\n")]
    [TestCase("alice\npw\nA\n2\n\n0\n0\n")]
    [TestCase("alice\npw\nA\n1\n!!notbase64\n0\n0\n")]
    [TestCase("alice\npw\nA\n1\n\n2\n0\n")]
    [TestCase("alice\npw\nA\n1\n\n0\nP\n")]
    [TestCase("alice\npw\nA\n1\n\n0\n0\nnot opaque!")]
    public void MalformedRequestsAreRejected(string body)
    {
        Assert.That(AuthRequest.Parse(body, out string why), Is.Null);
        Assert.That(why, Is.Not.Empty);
    }

    [Test]
    public void OversizedFieldsAreRejected()
    {
        Assert.That(AuthRequest.Parse($"alice\n{new string('p', 1025)}\nA\n1\n\n0\n0\n", out _), Is.Null);
        Assert.That(AuthRequest.Parse($"alice\npw\nA\n1\n{Convert.ToBase64String(new byte[8193])}\n0\n0\n", out _), Is.Null);
        Assert.That(AuthRequest.Parse($"alice\npw\nA\n1\n\n0\n0\n{new string('A', TlsResume.MaxText + 1)}", out _), Is.Null);
        Assert.That(AuthRequest.Parse($"alice\npw\nA\n1\n\n0\n0\n{new string('A', 40)}", out string why), Is.Not.Null, why);
        Assert.That(AuthRequest.Parse(Good + new string('x', AuthRequest.MaxBody), out _), Is.Null);
    }

    [Test]
    public void TlsStateRoundTripsOpaque()
    {
        var resume = new TlsResume(new byte[80], new byte[32], new byte[] { 1, 2, 3 }, Array.Empty<byte>()).Format();
        var r = AuthRequest.Parse(new AuthRequest("alice", "pw", 'A', true, Array.Empty<byte>(), true, true, resume).Format(), out string why);
        Assert.That(r, Is.Not.Null, why);
        Assert.That((r!.Pbsz, r.Prot, r.Tls), Is.EqualTo((true, true, resume)));
        var back = TlsResume.Parse(r.Tls);
        Assert.That((back.TicketKeys.Length, back.SidContext.Length, back.Session), Is.EqualTo((80, 32, new byte[] { 1, 2, 3 })));
        Assert.Throws<FormatException>(() => TlsResume.Parse("AAAA" + resume[resume.IndexOf('.')..]), "keys must be 80 bytes");
        Assert.Throws<FormatException>(() => TlsResume.Parse(resume + ".AAAA"));
        Assert.Throws<FormatException>(() => TlsResume.Parse(new TlsResume(new byte[80], new byte[32], Array.Empty<byte>(), Array.Empty<byte>()).Format()));
    }

    [Test]
    public void HandoffRoundTripsAndNeverCarriesRoot()
    {
        var h = new SessionHandoff("bob", false, true, new uint[] { 1000, 27, 100 }, 1000, 1000, "/srv/bob", "/", "/", 0x12, "10.0.0.1", 4242, 'A', false, new byte[] { 1, 2 });
        var back = SessionHandoff.Parse(h.Format());
        Assert.That(back with { Pending = h.Pending, Groups = h.Groups }, Is.EqualTo(h));
        Assert.That(back.Pending, Is.EqualTo(h.Pending));
        Assert.That(back.Groups, Is.EqualTo(h.Groups));
        Assert.That(SessionHandoff.Parse((h with { Groups = Array.Empty<uint>() }).Format()).Groups, Is.Empty);
        Assert.Throws<FormatException>(() => SessionHandoff.Parse(h.Format().Replace("groups=1000,27,100", "groups=1000,-1")));
        Assert.Throws<FormatException>(() => SessionHandoff.Parse((h with { Uid = 0 }).Format()));
        Assert.Throws<FormatException>(() => SessionHandoff.Parse(h.Format().Replace("type=A", "type=X")));
    }

    [Test]
    public void PreloginIdentityRoundTripsAndNeverCarriesRoot()
    {
        var p = new PreloginIdentity(true, 999, 998, "/srv/ftp", true);
        Assert.That(PreloginIdentity.Parse(p.Format()), Is.EqualTo(p));
        Assert.That(PreloginIdentity.Parse(PreloginIdentity.Unchanged.Format()), Is.EqualTo(PreloginIdentity.Unchanged));
        Assert.Throws<FormatException>(() => PreloginIdentity.Parse((p with { Uid = 0 }).Format()));
        Assert.Throws<FormatException>(() => PreloginIdentity.Parse((p with { Root = "srv" }).Format()));
        Assert.Throws<FormatException>(() => PreloginIdentity.Parse(p.Format().Replace("anon=1", "anon=yes")));
        Assert.Throws<FormatException>(() => PreloginIdentity.Parse(p.Format() + "\nextra=1"));
        Assert.Throws<FormatException>(() => PreloginIdentity.Parse(p.Format().Replace("uid=", "gid=")));
    }

    [TestCase(false, true)]
    [TestCase(true, true)]
    [TestCase(true, false)]
    public void RootIsDeniedWhateverTheUserList(bool enable, bool deny)
    {
        // The list names root and alice: as an allow list (deny=NO) it would let root in; it must not.
        string file = Path.Combine(Path.GetTempPath(), $"ftpfork-userlist-{Guid.NewGuid():N}");
        File.WriteAllText(file, "root\nalice\n");
        try
        {
            var lists = UserLists.Load(FtpConfig.Defaults with { UserlistEnable = enable, UserlistDeny = deny, UserlistFile = file });
            Assert.That(lists.Allows("root"), Is.False);
            Assert.That(lists.Allows("alice"), Is.EqualTo(!enable || !deny), "the list itself is applied");
            Assert.That(lists.Allows("bob"), Is.EqualTo(!enable || deny));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void LineReaderHandsOverUnprocessedBytes()
    {
        var input = new MemoryStream("PASS x\r\nTYPE I\r\nPW"u8.ToArray());
        var r = new LineReader((b, o, n) => input.Read(b, o, n));
        Assert.That(r.ReadLine().Text, Is.EqualTo("PASS x"));
        byte[] rest = r.Buffered();
        var input2 = new MemoryStream("D\r\n"u8.ToArray());
        var r2 = new LineReader((b, o, n) => input2.Read(b, o, n));
        r2.Prepend(rest);
        Assert.That(r2.ReadLine().Text, Is.EqualTo("TYPE I"));
        Assert.That(r2.ReadLine().Text, Is.EqualTo("PWD"));
    }
}
