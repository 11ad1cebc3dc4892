using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

/// <summary>
/// Where one entry's verification spends its time, in process on one thread: 20,000 sealed entries in streams of 4
/// (the ledger's average is about 4), each with 60 parameters, two metrics and 1.5 KB of notes, verified whole by a
/// <see cref="StreamEntryVerifier"/> per stream, then part by part. Each timing is taken after a warm-up pass.
/// </summary>
internal static class EntryChecksBench
{
    private const int Streams = 5_000;
    private const int PerStream = 4;
    private const string Digest = "8098f624285f1bba5460ffb2580a31a2f9beb87a83c73130640a20495a4153dd";

    public static void Run()
    {
        Console.WriteLine();
        Console.WriteLine("entry-checks mode: one entry's verification, whole and part by part, on one thread");
        Console.WriteLine("==================================================================================");
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var key = LedgerSigningKey.Generate();
        var ring = new KeyRing(key, at, []);
        var trusted = TrustedKeys.From(ring);
        var streams = Seal(new EntrySealer(ring), at);
        var entries = streams.SelectMany(s => s.Entries).ToList();
        var envelopes = entries.Select(e => e.Envelope.ToJson()).ToList();
        var signer = key.PublicKey;
        Console.WriteLine($"{Num(entries.Count)} entries in streams of {PerStream}: envelope {Num(envelopes[0].Length)} characters, event data {Num(entries[0].EventDataJson.Length)}");

        var whole = Time(entries.Count, () =>
        {
            foreach (var (id, stream) in streams)
            {
                var verifier = new StreamEntryVerifier(id, trusted);
                foreach (var entry in stream)
                {
                    if (!verifier.Next(entry).IsValid)
                    {
                        throw new BenchFailure($"entry {entry.Seq} of {id} did not verify");
                    }
                }
            }
        });
        Print("the whole check (StreamEntryVerifier, one per stream)", whole);
        Print("  the signature: PAE, strict DER, ECDSA P-256 verify", Time(entries.Count, () =>
        {
            foreach (var entry in entries)
            {
                Pae.TryEncode(entry.Envelope.PayloadType, entry.Envelope.Payload, out var pae);
                if (!signer.VerifyDer(pae, entry.Envelope.Signatures[0].Sig))
                {
                    throw new BenchFailure($"entry {entry.Seq}: the signature did not verify");
                }
            }
        }));
        Print("  reading the statement (JSON)", Time(entries.Count, () =>
        {
            foreach (var entry in entries)
            {
                InTotoStatement.Parse(entry.Envelope.Payload);
            }
        }));
        Print("  reading the stored event data and comparing it with the signed event", Time(entries.Count, () =>
        {
            foreach (var entry in entries)
            {
                var signed = InTotoStatement.Parse(entry.Envelope.Payload).Predicate["event"];
                if (!JsonNode.DeepEquals(JsonNode.Parse(entry.EventDataJson), signed))
                {
                    throw new BenchFailure($"entry {entry.Seq}: stored data differs");
                }
            }
        }) - Time(entries.Count, () =>
        {
            foreach (var entry in entries)
            {
                InTotoStatement.Parse(entry.Envelope.Payload);
            }
        }));
        Print("  rebuilding the leaf and hashing it", Time(entries.Count, () =>
        {
            foreach (var entry in entries)
            {
                SHA256.HashData(LeafBody.Build(entry.Envelope, signer));
            }
        }));
        Print("before the check: reading the DSSE envelope JSON", Time(entries.Count, () =>
        {
            foreach (var json in envelopes)
            {
                DsseEnvelope.Parse(json);
            }
        }));
        Print("for comparison: importing the public key (once per thread in the ledger)", Time(1_000, () =>
        {
            for (int i = 0; i < 1_000; i++)
            {
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportSubjectPublicKeyInfo(signer.SpkiDer, out _);
            }
        }));
        Summary.Add(new SummaryRow("entry-checks", "one entry's verification in process, one thread (4.2 KB envelope)",
            $"{F(whole, "0.0")} µs", "-", null, "-", null));
    }

    private static List<(string Id, List<StoredEntry> Entries)> Seal(EntrySealer sealer, DateTimeOffset at)
    {
        var streams = new List<(string, List<StoredEntry>)>(Streams);
        for (int s = 0; s < Streams; s++)
        {
            string id = $"bench-model-{s}@1";
            var stored = new List<StoredEntry>(PerStream);
            string? previous = null;
            for (int version = 1; version <= PerStream; version++)
            {
                var parameters = new JsonObject();
                for (int p = 0; p < 60; p++)
                {
                    parameters[$"param_{p}"] = p * 1.25 + version;
                }

                var data = new JsonObject
                {
                    ["model"] = id, ["version"] = "1", ["parameters"] = parameters,
                    ["metrics"] = new JsonObject { ["auc"] = 0.91, ["f1"] = 0.8 }, ["notes"] = new string('n', 1500),
                };
                string type = version == 1 ? "DatasetRegistered" : "DatasetCheckRecorded";
                var entry = sealer.Seal(new UnsignedEntry(type, data, new StatementSubject($"datasets/{id}", Digest),
                    new EntryMetadata(id, version, previous, "pipeline:bench", at.AddHours(version))));
                previous = entry.Hash;
                stored.Add(new StoredEntry(s * 10L + version, version, type, data.ToJsonString(), DsseEnvelope.Parse(entry.Envelope.ToJson())));
            }

            streams.Add((id, stored));
        }

        return streams;
    }

    /// <summary>Microseconds per item of <paramref name="pass"/> over <paramref name="items"/> items, after one warm-up pass.</summary>
    private static double Time(int items, Action pass)
    {
        pass();
        var clock = Stopwatch.StartNew();
        pass();
        return clock.Elapsed.TotalMicroseconds / items;
    }

    private static void Print(string what, double microseconds) => Console.WriteLine($"  {what,-80} {F(microseconds, "0.0"),7} µs");
}
