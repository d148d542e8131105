// max_clients and max_per_ip against the real master: the refusal text, no worker spent, the slot freed.
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Model;

[TestFixture, Parallelizable(ParallelScope.All)]
public class ModelLimitsTests
{
    private static void LimitHolds(string setting, int limit, string refusal)
    {
        using var s = ServerProcess.Start(setting, "worker_pool_size=1");
        var clients = new List<FtpTestClient>();
        try
        {
            for (int i = 0; i < limit; i++)
            {
                var c = s.Connect();
                clients.Add(c);
                Assert.That(c.ReadReply().Code, Is.EqualTo(220), $"client {i + 1}");
            }
            Assert.That(clients[0].Login().Code, Is.EqualTo(230), "a logged-in client keeps its slot");
            int leaving = ModelTools.WorkerOf(s, clients[0], ": anonymous: IDLE");
            ModelTools.WaitSessions(s, limit);
            using (var over = s.Connect())
            {
                Assert.That(over.ReadLine(), Is.EqualTo(refusal));
                Assert.That(over.WaitForClose(5000), Is.True);
            }
            Assert.That(ModelTools.SessionWorkers(s), Has.Count.EqualTo(limit), "a refused client costs no worker");
            Assert.That(ProcTools.WaitUntil(() => s.Log.Contains("refused 127.0.0.1: " + refusal), ModelTools.Wait), Is.True, ModelTools.Why(s));

            // The logged-in one leaves: once its worker is reaped, its slot is free again.
            Assert.That(clients[0].Command("QUIT").Code, Is.EqualTo(221));
            Assert.That(ProcTools.WaitUntil(() => !ProcTools.Exists(leaving), ModelTools.Wait), Is.True);
            var again = s.Connect();
            clients.Add(again);
            Assert.That(again.ReadReply().Code, Is.EqualTo(220));
            using var over2 = s.Connect();
            Assert.That(over2.ReadLine(), Is.EqualTo(refusal));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public void MaxClients() =>
        LimitHolds("max_clients=3", 3, "421 There are too many connected users, please try later.");

    [Test]
    public void MaxPerIp() =>
        LimitHolds("max_per_ip=2", 2, "421 There are too many connections from your internet address.");

    [Test]
    public void ZeroMeansNoLimit()
    {
        using var s = ServerProcess.Start("max_clients=0", "max_per_ip=0", "worker_pool_size=1");
        // 51 from one address: one past max_per_ip's default (50), so a 0 read as "the default" fails.
        var clients = Enumerable.Range(0, 51).Select(_ => s.Connect()).ToList();
        try
        {
            for (int i = 0; i < clients.Count; i++) Assert.That(clients[i].ReadReply(20000).Code, Is.EqualTo(220), $"client {i + 1}" + ModelTools.Why(s));
            Assert.That(ModelTools.WaitSessions(s, 51), Has.Count.EqualTo(51));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
