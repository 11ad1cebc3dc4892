namespace MlLedger.Integrity.Entries;

/// <summary>The in-toto predicate type of a ledger event: one per stable event type name.</summary>
public static class EventPredicateTypes
{
    public static string For(string eventType) => $"https://mlledger.dev/events/{eventType}/v1";
}
