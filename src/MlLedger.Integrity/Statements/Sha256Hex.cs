namespace MlLedger.Integrity.Statements;

/// <summary>The digest spelling used throughout the ledger: 64 lowercase hex characters.</summary>
internal static class Sha256Hex
{
    public static bool IsValid(string? value) =>
        value is { Length: 64 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
