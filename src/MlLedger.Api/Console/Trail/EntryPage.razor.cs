using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using MlLedger.Api.Entries;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Console.Trail;

/// <summary>One entry: the event, the envelope as signed, the statement it carries, the key, and whether it verifies.</summary>
public partial class EntryPage
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Parameter] public long Seq { get; set; }

    [CascadingParameter] private HttpContext Http { get; set; } = null!;

    [Inject] private LedgerDatabase Database { get; set; } = null!;

    [Inject] private TrustedKeys Trusted { get; set; } = null!;

    [Inject] private KeyRing Ring { get; set; } = null!;

    private StoredRow? _row;
    private string _event = "";
    private string? _statement;
    private (string? Actor, string? ActorIssuer, DateTimeOffset? At)? _signed;
    private KeyRingEntry? _key;
    private EntryVerification? _verification;

    protected override async Task OnInitializedAsync()
    {
        var ct = Http.RequestAborted;
        _row = await Database.ReadEntry(Seq, ct);
        if (_row is null)
        {
            Http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        _event = Pretty(_row.DataJson);
        _key = _row.KeyId is { } keyId ? Ring.Find(keyId) : null;
        ReadStatement(_row.EnvelopeJson);
        await foreach (var verified in StreamsVerification.Verify(Database, Trusted, _row.StreamKey, ct))
        {
            if (verified.Result.Seq == Seq)
            {
                _verification = verified.Result;
                break;
            }
        }
    }

    private void ReadStatement(string? envelopeJson)
    {
        var envelope = Ledger.EntryHeaders.TryParseEnvelope(envelopeJson);
        if (envelope is null)
        {
            return;
        }

        try
        {
            using var statement = JsonDocument.Parse(envelope.Payload);
            _statement = JsonSerializer.Serialize(statement.RootElement, Indented);
            if (statement.RootElement.TryGetProperty("predicate", out var predicate) && predicate.TryGetProperty("ledger", out var ledger))
            {
                _signed = (Text(ledger, "actor"), Text(ledger, "actorIssuer"),
                    DateTimeOffset.TryParse(Text(ledger, "occurredAt"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null);
            }
        }
        catch (JsonException)
        {
            _statement = null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Pretty(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
