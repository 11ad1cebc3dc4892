namespace MlLedger.Integrity.Dsse;

/// <summary>A DSSE envelope could not be read: it is not the JSON shape the DSSE v1 spec defines.</summary>
public sealed class DsseFormatException : FormatException
{
    public DsseFormatException()
    {
    }

    public DsseFormatException(string message)
        : base(message)
    {
    }

    public DsseFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
