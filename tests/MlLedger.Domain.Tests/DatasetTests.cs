using MlLedger.Domain.Datasets;

namespace MlLedger.Domain.Tests;

public sealed class DatasetTests
{
    private const string Id = "churn-train@3";

    private static readonly DatasetRegistered Registered = new(
        Id, "churn-train", "3", "s3://bucket/churn/3", Fixed.DataSha, "CC-BY-4.0", false, ["train"], ["churn-raw@1"],
        "{\"type\":\"object\"}", 1000, "pipeline-1", Fixed.Now);

    private static DeciderSpec<Dataset> Spec() => DeciderSpec.For(DatasetDecider.Decide, Dataset.Evolve, Dataset.Initial);

    private static RegisterDataset Register(
        IReadOnlyList<string>? derivedFrom = null, IReadOnlyDictionary<string, DatasetStatus>? parents = null) =>
        new(
            "churn-train", "3", "s3://bucket/churn/3", Fixed.DataSha, "CC-BY-4.0", false, ["train"],
            derivedFrom ?? ["churn-raw@1"], "{\"type\":\"object\"}", 1000,
            parents ?? new Dictionary<string, DatasetStatus> { ["churn-raw@1"] = DatasetStatus.Active },
            "pipeline-1", Fixed.Now);

    [Fact]
    public void Given_nothing_When_registering_with_an_active_parent_Then_dataset_registered() =>
        Spec().When(Register()).Then(Registered);

    [Fact]
    public void Given_nothing_When_registering_without_parents_Then_dataset_registered() =>
        Spec()
            .When(Register(derivedFrom: [], parents: new Dictionary<string, DatasetStatus>()))
            .Then(Registered with { DerivedFrom = [] });

    [Fact]
    public void Given_registered_dataset_When_registering_again_Then_rejected_as_already_registered() =>
        Spec().Given(Registered).When(Register()).ThenRejected("dataset-already-registered");

    [Fact]
    public void Given_nothing_When_registering_derived_from_an_unknown_parent_Then_rejected_naming_the_parent()
    {
        var rejection = Spec()
            .When(Register(derivedFrom: ["churn-raw@1", "ghost@9"]))
            .ThenRejected("dataset-not-found");

        Assert.Contains("ghost@9", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_nothing_When_a_parent_is_reported_unregistered_Then_rejected_as_not_found() =>
        Spec()
            .When(Register(parents: new Dictionary<string, DatasetStatus> { ["churn-raw@1"] = DatasetStatus.Unregistered }))
            .ThenRejected("dataset-not-found");

    [Fact]
    public void Given_nothing_When_registering_derived_from_a_withdrawn_parent_Then_rejected_as_withdrawn()
    {
        var rejection = Spec()
            .When(Register(parents: new Dictionary<string, DatasetStatus> { ["churn-raw@1"] = DatasetStatus.Withdrawn }))
            .ThenRejected("dataset-withdrawn");

        Assert.Contains("churn-raw@1", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_registered_dataset_When_recording_a_check_Then_check_recorded() =>
        Spec()
            .Given(Registered)
            .When(new RecordDatasetCheck("pii-scan", "passed", "0 findings", "scanner", Fixed.Later(1)))
            .Then(new DatasetCheckRecorded(Id, "pii-scan", "passed", "0 findings", "scanner", Fixed.Later(1)));

    [Fact]
    public void Given_nothing_When_recording_a_check_Then_rejected_as_not_found() =>
        Spec()
            .When(new RecordDatasetCheck("pii-scan", "passed", null, "scanner", Fixed.Now))
            .ThenRejected("dataset-not-found");

    [Fact]
    public void Given_withdrawn_dataset_When_recording_a_check_Then_rejected_as_withdrawn() =>
        Spec()
            .Given(Registered, new DatasetWithdrawn(Id, "licence revoked", "admin", Fixed.Later(1)))
            .When(new RecordDatasetCheck("pii-scan", "passed", null, "scanner", Fixed.Later(2)))
            .ThenRejected("dataset-withdrawn");

    [Fact]
    public void Given_registered_dataset_When_withdrawing_Then_dataset_withdrawn() =>
        Spec()
            .Given(Registered)
            .When(new WithdrawDataset("licence revoked", "admin", Fixed.Later(1)))
            .Then(new DatasetWithdrawn(Id, "licence revoked", "admin", Fixed.Later(1)));

    [Fact]
    public void Given_nothing_When_withdrawing_Then_rejected_as_not_found() =>
        Spec().When(new WithdrawDataset("why", "admin", Fixed.Now)).ThenRejected("dataset-not-found");

    [Fact]
    public void Given_withdrawn_dataset_When_withdrawing_again_Then_rejected_as_already_withdrawn() =>
        Spec()
            .Given(Registered, new DatasetWithdrawn(Id, "licence revoked", "admin", Fixed.Later(1)))
            .When(new WithdrawDataset("again", "admin", Fixed.Later(2)))
            .ThenRejected("dataset-already-withdrawn");

    [Fact]
    public void Given_registration_checks_and_withdrawal_When_evolving_Then_state_holds_every_fact()
    {
        var state = Spec()
            .Given(
                Registered,
                new DatasetCheckRecorded(Id, "pii-scan", "failed", "3 emails", "scanner", Fixed.Later(1)),
                new DatasetCheckRecorded(Id, "schema", "passed", null, "ci", Fixed.Later(2)),
                new DatasetCheckRecorded(Id, "pii-scan", "passed", "0 findings", "scanner", Fixed.Later(3)),
                new DatasetWithdrawn(Id, "licence revoked", "admin", Fixed.Later(4)))
            .State;

        Assert.Equal("datasets/churn-train@3", state.Id);
        Assert.Equal(Id, state.DatasetId);
        Assert.Equal(DatasetStatus.Withdrawn, state.Status);
        Assert.Equal(("churn-train", "3", "s3://bucket/churn/3"), (state.Name, state.Version, state.Uri));
        Assert.Equal((Fixed.DataSha, "CC-BY-4.0", false), (state.Sha256, state.License, state.ContainsPersonalData));
        Assert.Equal(["train"], state.Tags);
        Assert.Equal(["churn-raw@1"], state.DerivedFrom);
        Assert.Equal(("{\"type\":\"object\"}", (long?)1000), (state.Schema, state.RowCount));
        Assert.Equal(("pipeline-1", (DateTimeOffset?)Fixed.Now), (state.RegisteredBy, state.RegisteredAt));
        Assert.Equal(["pii-scan", "schema", "pii-scan"], state.Checks.Select(c => c.Check));
        Assert.Equal("passed", state.LatestCheck("pii-scan")?.Result);
        Assert.Null(state.LatestCheck("toxicity"));
        Assert.Equal([("pii-scan", "passed"), ("schema", "passed")], state.CurrentChecks().Select(c => (c.Check, c.Result)));
        Assert.Equal(("licence revoked", "admin", (DateTimeOffset?)Fixed.Later(4)), (state.WithdrawalReason, state.WithdrawnBy, state.WithdrawnAt));
    }

    [Fact]
    public void Given_registered_dataset_When_evolving_an_unknown_event_Then_state_is_unchanged()
    {
        var state = Spec().Given(Registered).State;

        Assert.Same(state, Dataset.Evolve(state, new object()));
    }

    [Fact]
    public void Given_dataset_state_When_round_tripping_through_json_Then_nothing_is_lost()
    {
        var state = Spec()
            .Given(Registered, new DatasetCheckRecorded(Id, "pii-scan", "passed", null, "scanner", Fixed.Later(1)))
            .State;

        Assert.Equal(Json.Describe(state), Json.Describe(Json.RoundTrip(state)));
        Assert.Equal(DatasetStatus.Active, Json.RoundTrip(state).Status);
    }

    [Fact]
    public void Given_any_state_When_deciding_an_unknown_command_Then_argument_exception() =>
        Assert.Throws<ArgumentException>(() => DatasetDecider.Decide(new object(), Dataset.Initial));
}
