// A pre-login worker whose master died answers its client's login with 421 and exits cleanly.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class MasterGoneTests
{
    [Test]
    public void ALoginAfterTheMasterDiedGets421()
    {
        using var s = ServerProcess.Start("worker_pool_size=1");
        using var c = s.Connect();
        Assert.That(c.ReadReply().Code, Is.EqualTo(220));
        int worker = ModelTools.WaitSessions(s, 1)[0];
        try
        {
            ProcTools.Signal(s.Pid, 9);
            Assert.That(s.Process.WaitForExit(10000), Is.True, "the master died");
            Assert.That(c.Command("USER anonymous").Code, Is.EqualTo(331), "no master is needed for USER");
            var r = c.Command("PASS x@");
            Assert.That(r.ToString(), Is.EqualTo("421 Service not available, closing control connection."));
            Assert.That(c.WaitForClose(10000), Is.True, "the worker closes the connection");
            Assert.That(ProcTools.WaitUntil(() => !ProcTools.Exists(worker) || ProcTools.State(worker) == 'Z', ModelTools.Wait), Is.True,
                "the worker exits");
            // Nothing to check in a log: a worker's notes and output go through its master
            // (SECURITY.md, "Logs"), and this one's master is gone.
        }
        finally
        {
            if (ProcTools.Title(worker).StartsWith("ftpfork")) ProcTools.Signal(worker, 9); // reparented: the harness would not find it
        }
    }
}
