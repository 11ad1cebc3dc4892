using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlLedger.Domain.Tests;

/// <summary>
/// Given (past events) / When (a command) / Then (expected events, or a rejection) over a pure decider.
/// Events are compared structurally through their JSON form (records holding lists or dictionaries do not
/// compare by value), using the same conventions as the ledger: camelCase, enums as camelCase strings.
/// </summary>
internal sealed class DeciderSpec<TState>(
    Func<object, TState, IReadOnlyList<object>> decide,
    Func<TState, object, TState> evolve,
    TState initial)
{
    private object[] _given = [];
    private object? _command;

    public TState State => _given.Aggregate(initial, evolve);

    public DeciderSpec<TState> Given(params object[] events)
    {
        _given = events;
        return this;
    }

    public DeciderSpec<TState> When(object command)
    {
        _command = command;
        return this;
    }

    /// <returns>The state after the given and the decided events, for further assertions.</returns>
    public TState Then(params object[] expected)
    {
        var actual = Decide();
        Assert.Equal(expected.Select(Json.Describe), actual.Select(Json.Describe));
        return actual.Aggregate(State, evolve);
    }

    public DomainRejection ThenRejected(string code)
    {
        var rejection = Assert.Throws<DomainRejection>(() => Decide());
        Assert.Equal(code, rejection.Code);
        return rejection;
    }

    private IReadOnlyList<object> Decide() =>
        decide(_command ?? throw new InvalidOperationException("When(command) was not called."), State);
}

internal static class DeciderSpec
{
    public static DeciderSpec<TState> For<TState>(
        Func<object, TState, IReadOnlyList<object>> decide, Func<TState, object, TState> evolve, TState initial) =>
        new(decide, evolve, initial);
}

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Type name and JSON: two events are the same fact when these are equal.</summary>
    public static string Describe(object value) =>
        $"{value.GetType().Name} {JsonSerializer.Serialize(value, value.GetType(), Options)}";

    public static T RoundTrip<T>(T value) =>
        JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, Options), Options)
        ?? throw new InvalidOperationException("Deserialised to null.");

    public static JsonElement Element(string json) => JsonSerializer.Deserialize<JsonElement>(json);
}

/// <summary>A fixed clock and fixed ids: tests never read the wall clock or generate randomness.</summary>
internal static class Fixed
{
    public static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);
    public static readonly string ArtifactSha = new('a', 64);
    public static readonly string OtherSha = new('b', 64);
    public static readonly string DataSha = new('c', 64);
    public static readonly string PolicySetDigest = new('d', 64);

    public static DateTimeOffset Later(int minutes) => Now.AddMinutes(minutes);
}
