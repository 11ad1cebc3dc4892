using System.IO.Pipelines;
using MlLedger.Api.Keys;
using MlLedger.Api.Ledger;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Log;

/// <summary>One thing the self-check found wrong, naming the entry where there is one.</summary>
public sealed record LogFailure(string Code, string Message, long? LogIndex = null, long? Seq = null, string? StreamId = null);

/// <param name="FailureCount">Every failure found; <paramref name="Failures"/> lists the first <see cref="LogSelfCheck.MaxReportedFailures"/>.</param>
public sealed record LogCheckReport(
    bool Valid, long Leaves, long PendingEntries, int CheckpointsChecked, long? LatestCheckpoint, long FailureCount, IReadOnlyList<LogFailure> Failures);

/// <summary>
/// The server's own check of its transparency log against the stored entries, streaming over the whole table:
/// every entry is a leaf (entries not yet sequenced are counted as pending), every leaf is a stored entry whose
/// envelope verifies under a ledger key and whose leaf hash is the stored one, leaves are in sequence order,
/// and the tree rebuilt from the entries has, at every checkpoint ever issued, the root that checkpoint signed.
/// Then the audit bundle of the latest checkpoint, written exactly as <c>GET /v1/export</c> writes it, goes through the
/// offline verifier: whatever <c>mlledger verify</c> would refuse in an export, the self-check reports too.
/// </summary>
internal sealed class LogSelfCheck(LedgerDatabase database, LogStore log, LedgerKeys keys, LogSettings settings)
{
    public const int MaxReportedFailures = 1000;

    public async Task<LogCheckReport> Run(CancellationToken ct)
    {
        var failures = new FailureList();
        var trusted = keys.Current.Trusted;
        var state = await log.State(ct);
        var checkpoints = await SignedCheckpoints(trusted, failures, ct);
        var next = 0;
        while (next < checkpoints.Count && checkpoints[next].Checkpoint.Size == 0)
        {
            next++;
        }

        // entries under the latest checkpoint have their signatures checked by the offline verifier below
        long exported = checkpoints.Count == 0 ? 0 : checkpoints[^1].Checkpoint.Size;
        var range = CompactRange.Empty();
        long pending = 0;
        long lastSeq = 0;
        await using var command = database.Source.CreateCommand(
            $"SELECT l.idx, l.seq, n.hash, e.seq_id, e.stream_id, e.version, {EntryHeaders.Sql("e.headers", EntryHeaders.Envelope)} " +
            $"FROM {log.Table(LogSchema.Leaves)} l " +
            $"JOIN {log.Table(LogSchema.Nodes)} n ON n.level = 0 AND n.idx = l.idx " +
            $"FULL OUTER JOIN {database.EventsTable} e ON e.seq_id = l.seq " +
            $"WHERE e.stream_id IS DISTINCT FROM '{LedgerDatabase.TombstoneStream}' " +
            "ORDER BY l.idx NULLS LAST, e.seq_id");
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            long? index = reader.IsDBNull(0) ? null : reader.GetInt64(0);
            long? seq = reader.IsDBNull(3) ? null : reader.GetInt64(3);
            var stream = reader.IsDBNull(4) ? null : reader.GetString(4);
            if (index is null)
            {
                // an entry with no leaf: still on its way, unless the sequencer has already passed it
                if (seq > state.LastSequence)
                {
                    if (LedgerLeaves.Rebuild(trusted, reader.IsDBNull(6) ? null : reader.GetString(6), out var why) is null)
                    {
                        // the sequencer stops on such an entry rather than log it
                        failures.Add(new LogFailure("bad-entry", $"Entry {seq}, not yet logged: {why}.", Seq: seq, StreamId: stream));
                    }

                    pending++;
                }
                else
                {
                    failures.Add(new LogFailure("entry-not-logged",
                        $"Entry {seq} is stored but not in the log, although the log has passed sequence {state.LastSequence}: it was inserted afterwards.",
                        Seq: seq, StreamId: stream));
                }

                continue;
            }

            var leafSeq = reader.GetInt64(1);
            if (index != range.Size)
            {
                failures.Add(new LogFailure("leaf-missing", $"Leaf {range.Size} is missing; the next stored leaf is {index}.", LogIndex: range.Size));
                break; // the tree cannot be rebuilt past a hole
            }

            if (leafSeq <= lastSeq)
            {
                failures.Add(new LogFailure("leaf-out-of-order",
                    $"Leaf {index} holds entry {leafSeq}, after leaf {index - 1} with entry {lastSeq}: leaves must follow sequence order.",
                    index, leafSeq, stream));
            }

            lastSeq = leafSeq;
            var storedHash = reader.GetFieldValue<byte[]>(2);
            if (seq is null)
            {
                failures.Add(new LogFailure("entry-deleted", $"Leaf {index} is entry {leafSeq}, which is no longer stored.", index, leafSeq));
            }
            else if (LedgerLeaves.Rebuild(trusted, reader.IsDBNull(6) ? null : reader.GetString(6), out var problem,
                         verifySignature: index >= exported) is { } leaf)
            {
                if (!MerkleHash.Leaf(leaf).AsSpan().SequenceEqual(storedHash))
                {
                    failures.Add(new LogFailure("leaf-hash-mismatch",
                        $"Entry {seq} no longer hashes to leaf {index} of the log: its envelope was changed after it was logged.", index, seq, stream));
                }
            }
            else
            {
                failures.Add(new LogFailure("bad-entry", $"Entry {seq} at leaf {index}: {problem}.", index, seq, stream));
            }

            // the stored leaf hash is what the checkpoints signed; the comparison above says whether the entry still matches it
            range.Append(storedHash);
            for (; next < checkpoints.Count && checkpoints[next].Checkpoint.Size == range.Size; next++)
            {
                CompareRoot(checkpoints[next].Checkpoint, range, failures);
            }
        }

        for (; next < checkpoints.Count; next++)
        {
            failures.Add(new LogFailure("log-truncated",
                $"Checkpoint {checkpoints[next].Checkpoint.Size} was signed, but the log rebuilds to {range.Size} leaves only."));
        }

        if (checkpoints.Count > 0)
        {
            await VerifyExport(checkpoints[^1].Note, checkpoints[^1].Checkpoint.Size, trusted, failures, ct);
        }

        return new LogCheckReport(failures.Count == 0, range.Size, pending, checkpoints.Count,
            checkpoints.Count == 0 ? null : checkpoints[^1].Checkpoint.Size, failures.Count, failures.Kept);
    }

    /// <summary>
    /// The export of the leaves [0, <paramref name="size"/>) streamed through the offline verifier, in process: the bundle is
    /// written into a pipe on one task and verified as it arrives, so it never sits in memory.
    /// </summary>
    private async Task VerifyExport(string note, long size, TrustedKeys trusted, FailureList failures, CancellationToken ct)
    {
        var header = new AuditBundleHeader(settings.Origin, 0, size, [], note, null);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 * 1024 * 1024, resumeWriterThreshold: 2 * 1024 * 1024));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writing = Task.Run(async () =>
        {
            Exception? error = null;
            try
            {
                await AuditExport.WriteAsync(pipe.Writer.AsStream(leaveOpen: true), header, log, database, stop.Token);
            }
            catch (Exception e)
            {
                error = e;
            }

            await pipe.Writer.CompleteAsync(error);
        }, CancellationToken.None);

        AuditVerification verification;
        try
        {
            var options = new AuditVerifierOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount / 2), MaxReportedFailures = MaxReportedFailures };
            verification = await new AuditBundleVerifier(trusted, options).VerifyAsync(pipe.Reader.AsStream(leaveOpen: true), ct: ct);
        }
        finally
        {
            // the verifier may stop before the end (an unreadable line): the export stops with it
            await stop.CancelAsync();
            await pipe.Reader.CompleteAsync();
            await writing;
        }

        foreach (var failure in verification.Failures)
        {
            failures.Add(new LogFailure(failure.Code, $"The export does not verify offline: {failure.Message}", failure.LogIndex, failure.Seq, failure.StreamId));
        }

        failures.CountMore(verification.FailureCount - verification.Failures.Count);
    }

    private async Task<List<(Checkpoint Checkpoint, string Note)>> SignedCheckpoints(TrustedKeys trusted, FailureList failures, CancellationToken ct)
    {
        var verified = new List<(Checkpoint, string)>();
        foreach (var stored in await log.AllCheckpoints(ct))
        {
            try
            {
                var checkpoint = CheckpointNotes.Verify(stored.Note, settings.Origin, trusted.All.Select(k => k.Key));
                if (checkpoint.Size != stored.TreeSize)
                {
                    failures.Add(new LogFailure("checkpoint-mislabelled", $"The checkpoint stored as size {stored.TreeSize} signs size {checkpoint.Size}."));
                }

                verified.Add((checkpoint, stored.Note));
            }
            catch (Exception e) when (e is NoteVerificationException or FormatException)
            {
                failures.Add(new LogFailure("checkpoint-signature", $"The checkpoint stored as size {stored.TreeSize} does not verify: {e.Message}"));
            }
        }

        verified.Sort((a, b) => a.Item1.Size.CompareTo(b.Item1.Size));
        return verified;
    }

    private static void CompareRoot(Checkpoint checkpoint, CompactRange range, FailureList failures)
    {
        var root = range.Root();
        if (!root.AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            failures.Add(new LogFailure("root-mismatch",
                $"The log's first {checkpoint.Size} leaves hash to {Convert.ToHexStringLower(root)}, but checkpoint {checkpoint.Size} " +
                $"signed {Convert.ToHexStringLower(checkpoint.RootHash)}: leaves were changed, removed, inserted or reordered."));
        }
    }

    /// <summary>Counts every failure, keeps the first <see cref="MaxReportedFailures"/>: memory stays bounded on a wrecked ledger.</summary>
    private sealed class FailureList
    {
        public List<LogFailure> Kept { get; } = [];

        public long Count { get; private set; }

        /// <summary>Failures found elsewhere and only counted there.</summary>
        public void CountMore(long count) => Count += count;

        public void Add(LogFailure failure)
        {
            Count++;
            if (Kept.Count < MaxReportedFailures)
            {
                Kept.Add(failure);
            }
        }
    }
}
