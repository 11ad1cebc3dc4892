namespace MlLedger.Integrity.Audit;

/// <summary>An audit bundle could not be read; <see cref="LineNumber"/> says where (1 = the header).</summary>
public sealed class AuditBundleFormatException : FormatException
{
    public AuditBundleFormatException()
    {
    }

    public AuditBundleFormatException(string message)
        : base(message)
    {
    }

    public AuditBundleFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AuditBundleFormatException(long lineNumber, string message, bool isTruncated = false, Exception? innerException = null)
        : base($"line {lineNumber}: {message}", innerException)
    {
        LineNumber = lineNumber;
        IsTruncated = isTruncated;
    }

    public long LineNumber { get; }

    /// <summary>The bundle ends before its end line: it was cut short.</summary>
    public bool IsTruncated { get; }
}
