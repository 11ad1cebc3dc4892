using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Entries;

/// <summary>
/// A valid 3-entry stream to corrupt. Each corruption must be rejected with the expected failure codes;
/// most corrupt the last entry, so the untouched entries before it must stay valid.
/// </summary>
public abstract class CorruptedStream : IDisposable
{
    protected const string Stream = "churn-train@3";
    protected const int Last = 2;

    /// <summary>The ledger key that sealed the stream.</summary>
    protected LedgerSigningKey Key { get; } = LedgerSigningKey.Generate();

    /// <summary>A key nobody trusts (unless a test says so).</summary>
    protected LedgerSigningKey Stranger { get; } = LedgerSigningKey.Generate();

    protected KeyRing Ring { get; }

    protected EntrySealer Sealer { get; }

    /// <summary>Versions 1, 2, 3 as stored; tests corrupt this list in place.</summary>
    protected List<StoredEntry> Entries { get; }

    protected CorruptedStream()
    {
        Ring = new KeyRing(Key, StreamBuilder.T0, []);
        Sealer = new EntrySealer(Ring);
        Entries = new StreamBuilder(Stream).Append(Sealer, 3).Stored;
    }

    public void Dispose()
    {
        Key.Dispose();
        Stranger.Dispose();
        GC.SuppressFinalize(this);
    }

    protected DsseEnvelope LastEnvelope => Entries[Last].Envelope;

    protected DsseSignature LastSignature => LastEnvelope.Signatures[0];

    protected void CorruptLast(Func<StoredEntry, StoredEntry> corrupt) => Entries[Last] = corrupt(Entries[Last]);

    protected void CorruptLastEnvelope(Func<DsseEnvelope, DsseEnvelope> corrupt) =>
        CorruptLast(e => e with { Envelope = corrupt(e.Envelope) });

    protected void CorruptLastSignature(Func<DsseSignature, DsseSignature> corrupt) =>
        CorruptLastEnvelope(e => e with { Signatures = [corrupt(e.Signatures[0])] });

    protected StreamVerification Verify(TrustedKeys? trusted = null) => StreamVerifier.Verify(Stream, Entries, trusted ?? TrustedKeys.From(Ring));

    protected static string[] Codes(EntryVerification entry) => [.. entry.Failures.Select(f => f.Code)];

    protected static void AssertOnlyRejected(StreamVerification result, int index, params string[] expectedCodes)
    {
        Assert.False(result.IsValid);
        for (int i = 0; i < result.Entries.Count; i++)
        {
            if (i == index)
            {
                Assert.False(result.Entries[i].IsValid);
                Assert.Equal(expectedCodes, Codes(result.Entries[i]));
            }
            else
            {
                Assert.True(result.Entries[i].IsValid, $"entry {i}: {string.Join(", ", Codes(result.Entries[i]))}");
            }
        }
    }
}
