using FluentValidation;
using Marten;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Domain;
using MlLedger.Domain.Datasets;

namespace MlLedger.Api.Datasets;

public sealed record RegisterDatasetRequest(
    string Name,
    string Version,
    string Uri,
    string Sha256,
    string License,
    bool? ContainsPersonalData,
    IReadOnlyList<string>? Tags,
    IReadOnlyList<string>? DerivedFrom,
    string? Schema,
    long? RowCount);

internal sealed class RegisterDatasetValidator : AbstractValidator<RegisterDatasetRequest>
{
    public RegisterDatasetValidator()
    {
        RuleFor(r => r.Name).IsName();
        RuleFor(r => r.Version).IsVersion();
        RuleFor(r => r.Uri).NotEmpty().MaximumLength(2048)
            .Must(u => Uri.TryCreate(u, UriKind.Absolute, out _)).WithMessage("'Uri' must be an absolute URI, e.g. s3://bucket/path.");
        RuleFor(r => r.Sha256).IsSha256();
        RuleFor(r => r.License).NotEmpty().IsText(FieldRules.MaxNameLength);
        RuleFor(r => r.ContainsPersonalData).NotNull().WithMessage("'Contains Personal Data' must be given: true or false.");
        RuleFor(r => r.Tags).Must(t => t is null || t.Count <= FieldRules.MaxListLength).WithMessage("'Tags' may hold at most 256 tags.");
        RuleForEach(r => r.Tags).IsName();
        RuleFor(r => r.DerivedFrom).Must(t => t is null || t.Count <= FieldRules.MaxListLength).WithMessage("'DerivedFrom' may hold at most 256 datasets.");
        RuleForEach(r => r.DerivedFrom).IsDatasetId();
        RuleFor(r => r.Schema).IsText(16 * 1024);
        RuleFor(r => r.RowCount).GreaterThanOrEqualTo(0);
    }
}

internal static class Registering
{
    public static Task<IResult> Handle(RegisterDatasetRequest request, HttpContext http, LedgerWriter writer) =>
        writer.Execute(http, request, async ledger =>
        {
            var id = DatasetIds.Of(request.Name, request.Version);
            var stream = await ledger.FetchPrimary<Dataset>(StreamKeys.Dataset(id));
            var derivedFrom = request.DerivedFrom ?? [];
            var parents = await DatasetStatuses.Of(ledger.Session, derivedFrom, ledger.Cancellation);

            var events = DatasetDecider.Decide(new RegisterDataset(
                request.Name, request.Version, request.Uri, request.Sha256, request.License, request.ContainsPersonalData!.Value,
                request.Tags ?? [], derivedFrom, request.Schema, request.RowCount, parents, ledger.Actor.Id, ledger.Now),
                (await ledger.State(stream) ?? Dataset.Initial));

            await ledger.Append(stream, events, DatasetEndpoints.Subject(id, request.Sha256));
            return new WriteOutcome.Created(id, stream.Key!, $"/v1/datasets/{id}");
        });
}

/// <summary>The facts a decider needs about referenced datasets: each one's status, as stored.</summary>
internal static class DatasetStatuses
{
    public static async Task<IReadOnlyDictionary<string, DatasetStatus>> Of(IQuerySession session, IEnumerable<string> datasetIds, CancellationToken ct)
    {
        var ids = datasetIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return new Dictionary<string, DatasetStatus>();
        }

        var statuses = new Dictionary<string, DatasetStatus>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            // rebuilt from the dataset's events, not read from its (unsigned) read-model document
            if (await session.Events.AggregateStreamAsync<Dataset>(StreamKeys.Dataset(id), token: ct) is { } dataset)
            {
                statuses[id] = dataset.Status;
            }
        }

        return statuses;
    }
}
