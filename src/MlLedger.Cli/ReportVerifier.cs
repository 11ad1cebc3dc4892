using System.Security.Cryptography;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;
using MlLedger.Reports.Manifest;

namespace MlLedger.Cli;

/// <summary>One check of a report's verification, passed or not, in plain words.</summary>
public sealed record ReportCheck(string Name, bool Passed, string Detail);

public sealed record ReportVerification(
    bool IsValid, string Sha256, string Kind, string Subject, long TreeSize, string RootHash, long? IssuedBySeq, int CitationsChecked,
    IReadOnlyList<ReportCheck> Checks);

/// <summary>
/// Checks a report PDF offline, against a trusted root and an audit bundle of the ledger:
/// <list type="number">
/// <item>the bundle itself verifies (every entry's signature, the tree against its signed checkpoint);</item>
/// <item>the checkpoint the report cites is signed by a trusted key, for a log the trusted root names;</item>
/// <item>a ReportIssued entry in the bundle, signed by the ledger, names this PDF's SHA-256, kind, subject and checkpoint;</item>
/// <item>the first TreeSize leaves of the bundle's log hash to the report checkpoint's root, and every entry the report
/// cites is the leaf it says, with the hash it says.</item>
/// </list>
/// </summary>
public static class ReportVerifier
{
    public static async Task<ReportVerification> VerifyAsync(byte[] pdf, ReportManifest manifest, TrustedKeys trusted, IReadOnlySet<string> origins,
        string bundlePath, CancellationToken ct, AuditVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(trusted);
        ArgumentNullException.ThrowIfNull(origins);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(pdf));
        var checks = new List<ReportCheck>();

        AuditVerification bundle;
        await using (var stream = File.OpenRead(bundlePath))
        {
            bundle = await new AuditBundleVerifier(trusted, options).VerifyAsync(stream, olderCheckpoint: null, progress: null, ct);
        }

        // the verifier refuses a bundle without a consistency proof from an auditor's checkpoint only when one is given
        checks.Add(new ReportCheck("bundle", bundle.IsValid,
            bundle.IsValid ? $"the audit bundle of leaves [{bundle.From}, {bundle.TreeSize}) verifies under its signed checkpoint"
                : $"the audit bundle does not verify ({bundle.FailureCount} failures; first: {(bundle.Failures.Count > 0 ? bundle.Failures[0].Message : "none listed")})"));

        checks.Add(CheckCheckpoint(manifest, trusted, origins));
        var origin = bundle.Origin == manifest.Origin;
        checks.Add(new ReportCheck("same-log", origin, origin ? $"the bundle is of the report's log {manifest.Origin}"
            : $"the bundle is of log '{bundle.Origin}', the report of '{manifest.Origin}'"));

        var scan = await ScanAsync(bundlePath, manifest, sha256, trusted, ct);
        checks.Add(scan.Issued is { } issued
            ? new ReportCheck("issued", true, $"entry {issued} (ReportIssued, signed by the ledger) records this PDF's SHA-256 {sha256}")
            : new ReportCheck("issued", false, $"no ReportIssued entry in the bundle records SHA-256 {sha256} for this report's kind, subject and checkpoint"));
        checks.Add(scan.Root);
        checks.Add(scan.Citations);

        return new ReportVerification(checks.All(c => c.Passed), sha256, manifest.Kind, manifest.Subject, manifest.TreeSize, manifest.RootHash,
            scan.Issued, scan.CitationsChecked, checks);
    }

    private static ReportCheck CheckCheckpoint(ReportManifest manifest, TrustedKeys trusted, IReadOnlySet<string> origins)
    {
        if (!origins.Contains(manifest.Origin))
        {
            return new ReportCheck("checkpoint", false, $"the report's log '{manifest.Origin}' is not one the trusted root names");
        }

        try
        {
            var checkpoint = CheckpointNotes.Verify(manifest.SignedNote, manifest.Origin, trusted.All.Select(k => k.Key));
            var matches = checkpoint.Size == manifest.TreeSize &&
                          string.Equals(Convert.ToHexStringLower(checkpoint.RootHash), manifest.RootHash, StringComparison.Ordinal);
            return new ReportCheck("checkpoint", matches, matches
                ? $"the cited checkpoint ({manifest.TreeSize} leaves) is signed by a trusted key"
                : "the signed checkpoint does not say the tree size and root the report prints");
        }
        catch (Exception e) when (e is NoteVerificationException or FormatException or ArgumentException)
        {
            return new ReportCheck("checkpoint", false, $"the cited checkpoint does not verify: {e.Message}");
        }
    }

    private sealed record Scan(long? Issued, ReportCheck Root, ReportCheck Citations, int CitationsChecked);

    private static async Task<Scan> ScanAsync(string bundlePath, ReportManifest manifest, string sha256, TrustedKeys trusted, CancellationToken ct)
    {
        await using var stream = File.OpenRead(bundlePath);
        var reader = await AuditBundleReader.OpenAsync(stream, ct: ct);
        var header = reader.Header;
        // a citation names a leaf of the report's tree, once
        var cited = manifest.Citations.Where(c => c.LeafIndex >= 0 && c.LeafIndex < manifest.TreeSize)
            .GroupBy(c => c.LeafIndex).ToDictionary(g => g.Key, g => g.First());
        var outside = manifest.Citations.Count(c => c.LeafIndex < 0 || c.LeafIndex >= manifest.TreeSize);
        var repeated = manifest.Citations.Count - outside - cited.Count;
        var range = header.From <= manifest.TreeSize ? CompactRange.FromHashes(header.From, header.Prefix) : null;
        var mismatches = new List<string>();
        var checkedCitations = 0;
        long? issued = null;
        await foreach (var entry in reader.ReadEntriesAsync(ct))
        {
            var signer = entry.Envelope.Signatures is [{ } only] ? trusted.Find(only.KeyId) : null;
            var leafHash = signer is null ? null : MerkleHash.Leaf(LeafBody.Build(entry.Envelope, signer.Key));
            if (range is not null && range.Size == entry.LogIndex && entry.LogIndex < manifest.TreeSize && leafHash is not null)
            {
                range.Append(leafHash);
            }

            if (cited.TryGetValue(entry.LogIndex, out var citation))
            {
                checkedCitations++;
                if (leafHash is null || citation.Seq != entry.Seq || citation.LeafHash != Convert.ToHexStringLower(leafHash) ||
                    citation.Stream != entry.StreamId || citation.EventType != entry.EventType)
                {
                    mismatches.Add($"entry {citation.Seq} at leaf {citation.LeafIndex}");
                }
            }

            if (issued is null && entry.EventType == "ReportIssued" && IsIssueOf(entry, manifest, sha256))
            {
                issued = entry.Seq;
            }
        }

        var rootOk = range is not null && range.Size == manifest.TreeSize &&
                     Convert.ToHexStringLower(range.Root()) == manifest.RootHash;
        var root = new ReportCheck("checkpoint-root", rootOk, rootOk
            ? $"the first {manifest.TreeSize} leaves of the bundle hash to the report's root {manifest.RootHash[..16]}…"
            : range is null ? $"the bundle starts at leaf {header.From}, after the report's tree of {manifest.TreeSize} leaves: export from 0 or from at most {manifest.TreeSize}"
            : $"the bundle's first {manifest.TreeSize} leaves do not hash to the report's root");
        var missing = cited.Count - checkedCitations;
        var citationsOk = mismatches.Count == 0 && missing == 0 && outside == 0 && repeated == 0;
        var citations = new ReportCheck("citations", citationsOk, citationsOk
            ? $"all {manifest.Citations.Count} cited entries are the leaves the report names, under its checkpoint"
            : outside > 0 ? $"{outside} cited entries are not leaves of the report's tree of {manifest.TreeSize}"
            : repeated > 0 ? $"{repeated} citations name a leaf cited already"
            : mismatches.Count > 0 ? $"{mismatches.Count} cited entries differ from the log (sequence number, leaf hash, stream or event type), first: {mismatches[0]}"
            : $"{missing} cited entries are not in the bundle (it starts at leaf {header.From})");
        return new Scan(issued, root, citations, checkedCitations);
    }

    /// <summary>The entry's signed event names this PDF and the report's kind, subject and checkpoint; its statement's subject is the PDF.</summary>
    private static bool IsIssueOf(AuditEntry entry, ReportManifest manifest, string sha256)
    {
        try
        {
            var signed = SignedEvent.Read(entry.Envelope);
            var e = signed.Event;
            var statement = InTotoStatement.Parse(entry.Envelope.Payload);
            return signed.EventType == "ReportIssued" &&
                   (string?)e["sha256"] == sha256 && (string?)e["kind"] == manifest.Kind && (string?)e["subject"] == manifest.Subject &&
                   (long?)e["treeSize"] == manifest.TreeSize && (string?)e["rootHash"] == manifest.RootHash &&
                   statement.Subjects.Any(s => s.Sha256 == sha256);
        }
        catch (StatementFormatException)
        {
            return false;
        }
    }
}
