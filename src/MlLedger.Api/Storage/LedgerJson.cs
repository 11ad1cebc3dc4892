using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MlLedger.Api.Storage;

/// <summary>
/// The one JSON shape of events: Marten stores it in <c>mt_events.data</c> and the sealing step signs it,
/// so a verifier can compare the stored row with the signed predicate field by field.
/// </summary>
public static class LedgerJson
{
    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            MaxDepth = 64,
        };
        // Enum values as their C# names ("Production"): the form Marten stores and queries with EnumStorage.AsString.
        options.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
        return options;
    }

    private static readonly JsonSerializerOptions Events = Create();

    public static JsonObject ToNode(object @event) =>
        JsonSerializer.SerializeToNode(@event, @event.GetType(), Events)?.AsObject()
        ?? throw new InvalidOperationException($"{@event.GetType().Name} serialized to null");
}
