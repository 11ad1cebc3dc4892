namespace MlLedger.Integrity.Checkpoints;

public enum NoteVerificationFailure
{
    /// <summary>The note is not a well-formed signed note (the inner exception says why).</summary>
    Malformed,

    /// <summary>No signature is by a known key: the note may be genuine, but nothing vouches for it.</summary>
    UnverifiedNote,

    /// <summary>A signature names a known key (name and key hash) but does not verify: the note was altered or forged.</summary>
    InvalidSignature,

    /// <summary>The signed checkpoint is of another log than the one expected.</summary>
    OriginMismatch,
}

/// <summary>A signed note or checkpoint was refused; <see cref="Reason"/> says why.</summary>
public sealed class NoteVerificationException : Exception
{
    public NoteVerificationException()
    {
    }

    public NoteVerificationException(string message)
        : base(message)
    {
    }

    public NoteVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NoteVerificationException(NoteVerificationFailure reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    public NoteVerificationFailure Reason { get; }
}
