using System.Globalization;
using Marten;
using Microsoft.AspNetCore.Components;
using MlLedger.Api.Auth;
using MlLedger.Api.Ledger;
using MlLedger.Api.Lineage;
using MlLedger.Api.Storage;
using MlLedger.Domain;
using MlLedger.Domain.Datasets;
using MlLedger.Domain.Models;
using MlLedger.Domain.Promotions;
using MlLedger.Reports.Model;

namespace MlLedger.Api.Console.Promotions;

/// <summary>What an approver needs to decide a promotion, read once when the page is rendered.</summary>
public partial class PromotionPage
{
    private const int LineageDepth = 4;

    [Parameter] public string Id { get; set; } = "";

    /// <summary>Sequence numbers of entries a decision just recorded (the redirect after the form says which).</summary>
    [SupplyParameterFromQuery] public string? Recorded { get; set; }

    [CascadingParameter] private HttpContext Http { get; set; } = null!;

    [Inject] private IQuerySession Session { get; set; } = null!;

    [Inject] private LedgerDatabase Database { get; set; } = null!;

    [Inject] private LineageQuery Lineage { get; set; } = null!;

    private Promotion? _promotion;
    private ModelVersion? _model;
    private IReadOnlyList<Dataset> _datasets = [];
    private IReadOnlyList<string> _missingDatasets = [];
    private LineageGraph? _lineage;
    private long _version;
    private string _key = "";
    private bool _mayDecide;
    private string? _whyNot;
    private IReadOnlyList<StoredRow> _recorded = [];

    protected override async Task OnInitializedAsync()
    {
        var ct = Http.RequestAborted;
        var key = StreamKeys.Promotion(Id);
        _promotion = await Session.LoadAsync<Promotion>(key, ct);
        if (_promotion is null || _promotion.Status == PromotionStatus.None)
        {
            _promotion = null;
            Http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        _version = (await Session.Events.FetchStreamStateAsync(key, ct))?.Version ?? 0;
        _model = await Session.LoadAsync<ModelVersion>(StreamKeys.ModelVersion(_promotion.Model, _promotion.Version), ct);
        var trainedOn = _model?.TrainedOn ?? [];
        var datasets = await Session.LoadManyAsync<Dataset>(ct, trainedOn.Select(StreamKeys.Dataset).ToArray());
        _datasets = [.. datasets.Where(d => d.Status != DatasetStatus.Unregistered).OrderBy(d => d.DatasetId, StringComparer.Ordinal)];
        _missingDatasets = [.. trainedOn.Where(id => _datasets.All(d => d.DatasetId != id))];
        try
        {
            _lineage = await Lineage.Walk(LineageFacts.NodeId(LineageKinds.ModelVersion, ModelVersionIds.Of(_promotion.Model, _promotion.Version)),
                upstream: true, downstream: false, LineageDepth, LineageCut.Now, ct, limit: 200);
        }
        catch (LineageTooLargeException)
        {
            _lineage = null;
        }

        (_mayDecide, _whyNot) = MayDecide(_promotion);
        _key = Guid.NewGuid().ToString("N");
        _recorded = await RecordedEntries(ct);
    }

    private (bool, string?) MayDecide(Promotion promotion)
    {
        var caller = LedgerWriter.ActorOf(Http.User);
        var me = new ActorIdentity(caller.Issuer, caller.Id);
        if (promotion.Status != PromotionStatus.Pending)
        {
            return (false, $"This promotion is {promotion.Status.ToString().ToLowerInvariant()}: there is nothing left to decide.");
        }

        if (!caller.Roles.Contains(Roles.Approver, StringComparer.Ordinal))
        {
            return (false, "You do not hold the approver role, so you cannot decide promotions.");
        }

        if (promotion.Requester() is { } requester && requester.IsSamePersonAs(me))
        {
            return (false, "You requested this promotion, so someone else must decide it.");
        }

        if (promotion.Decisions.Any(d => d.Identity().IsSamePersonAs(me)))
        {
            return (false, "You have decided on this promotion already.");
        }

        return (true, null);
    }

    private async Task<IReadOnlyList<StoredRow>> RecordedEntries(CancellationToken ct)
    {
        var seqs = (Recorded ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Take(8)
            .Select(part => long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : 0).Where(seq => seq > 0).ToList();
        return seqs.Count == 0 ? [] : [.. (await Database.ReadEntries(seqs, ct)).Where(row => row.StreamKey == StreamKeys.Promotion(Id))];
    }

    private static string Outcome(string outcome) => outcome switch
    {
        "passed" => "Passed",
        "failed" => "Failed",
        _ => "Not applicable",
    };
}
