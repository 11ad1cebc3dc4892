namespace MlLedger.Integrity.Statements;

/// <summary>A payload is not an in-toto Statement v1 of the shape the ledger writes.</summary>
public sealed class StatementFormatException : FormatException
{
    public StatementFormatException()
    {
    }

    public StatementFormatException(string message)
        : base(message)
    {
    }

    public StatementFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
