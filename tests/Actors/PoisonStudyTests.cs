using Akka.Actor;
using DeepTrain.Actors.Contracts;
using DeepTrain.Actors.Hosting;
using DeepTrain.Actors.Persistence;
using DeepTrain.Actors.Serialization;
using static DeepTrain.Tests.Actors.StudyHarness;

namespace DeepTrain.Tests.Actors;

/// <summary>Issue 12 item 16: one bad submission (--retries 2147483647) killed the StudyHost singleton and, persisted,
/// every restart after it.</summary>
public sealed class PoisonStudyTests
{
    private static SubmitStudy Good(string id) =>
        new(id, "", "", "", 12, "sites", "synthetic:critical-12-3-7", "bo", "ei", 0.5, 6, 3, 11, 1, 300, 64, 600, 0);

    private static SubmitStudy Bad(string id) => Good(id) with { Retries = int.MaxValue };

    private static async Task<StudyRecords> Run(IActorRef host, SubmitStudy s) =>
        await ClusterStudyClient.RunAsync(host, s, _ => { }, _ => { }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20), 0, 0)
            .WaitAsync(TimeSpan.FromSeconds(60));

    private static (ActorSystem, IActorRef) StartHost(StudyStore store)
    {
        var sys = ClusterHost.Start(new NodeOptions { Clustered = false, SystemName = "poison" });
        var host = sys.ActorOf(StudyHost.Props(store, 128, TimeSpan.Zero), StudyTopology.SingletonName);
        StudyTopology.StartLocalStudyWorkers(sys, host, 3, 1);
        return (sys, host);
    }

    [Fact]
    public async Task ABadSubmissionIsRejectedOnTheHostAndTheNextStudyRuns()
    {
        using var store = new StudyStore(TempDb());
        var (sys, host) = StartHost(store);
        try
        {
            var reply = await host.Ask<object>(Bad("bad"), TimeSpan.FromSeconds(10));
            var rejected = Assert.IsType<StudyRejected>(reply);
            Assert.Contains("--retries", rejected.Reason);
            Assert.DoesNotContain(store.Studies(), s => s.StudyId == "bad"); // nothing stored: no poison row

            var done = await Run(host, Good("good"));
            Assert.True(done.Finished);
            Assert.Equal(6, store.Observations("good").Count);
        }
        finally { await sys.Terminate(); }
    }

    [Fact]
    public async Task APersistedPoisonRowIsMarkedFailedWithItsReasonAndTheHostGoesOn()
    {
        var db = TempDb();
        using (var seed = new StudyStore(db))
        {
            // As an older coordinator stored it, before the host validated submissions; and a row that is not a study.
            seed.AddStudy("bad", ContractSerializer.Pack(Bad("bad")));
            seed.AddStudy("garbled", [0xc1, 0x00, 0x13]);
        }
        using var store = new StudyStore(db);
        var (sys, host) = StartHost(store);
        try
        {
            var done = await Run(host, Good("after"));
            Assert.True(done.Finished);
            Assert.Equal(6, store.Observations("after").Count);

            Assert.Contains("--retries", store.Failure("bad"));
            Assert.NotNull(store.Failure("garbled"));
            Assert.All(store.Studies().Where(s => s.StudyId != "after"), s => Assert.True(s.Finished));
            var records = await host.Ask<object>(new GetStudyRecords("bad", 0, 0), TimeSpan.FromSeconds(10));
            Assert.Contains("failed", Assert.IsType<StudyRejected>(records).Reason);
            var again = await host.Ask<object>(Bad("bad"), TimeSpan.FromSeconds(10));
            Assert.Contains("failed", Assert.IsType<StudyRejected>(again).Reason);
        }
        finally { await sys.Terminate(); }
    }

    [Fact]
    public void HostBoundsNameTheOptionForEveryOutOfRangeField()
    {
        var g = Good("x");
        foreach (var (bad, option) in new (SubmitStudy, string)[]
                 {
                     (g with { Retries = int.MaxValue }, "--retries"), (g with { Retries = -1 }, "--retries"),
                     (g with { TimeoutSeconds = double.PositiveInfinity }, "--oracle-timeout"), (g with { TimeoutSeconds = 1e300 }, "--oracle-timeout"),
                     (g with { Budget = 0 }, "--budget"), (g with { Batch = int.MaxValue }, "--proposals"),
                     (g with { Tolerance = double.NaN }, "--tolerance"), (g with { Candidates = int.MaxValue }, "--candidates"),
                     (g with { StudyId = "" }, "study id"),
                 })
            Assert.Contains(option, Assert.Throws<Model.UserError>(() => StudyHost.Validate(bad)).Message);
        StudyHost.Validate(g);
    }
}
