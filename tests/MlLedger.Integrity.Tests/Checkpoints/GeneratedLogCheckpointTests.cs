using System.Text.Json;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Tests.Checkpoints;

/// <summary>The generated MlLedger-shaped log of sigstore_compat/: its checkpoints verify with its published keys.</summary>
public sealed class GeneratedLogCheckpointTests
{
    private const string Origin = "mlledger.example/log";

    private static readonly JsonElement Consistency = VectorFiles.Json("consistency_6_7.json");

    private static LedgerPublicKey LogKey => LedgerPublicKey.FromPem(VectorFiles.Text("log_public.pem"));

    [Fact]
    public void Checkpoint_verifies_with_the_published_vkey()
    {
        var key = NoteVerifierKey.Parse(VectorFiles.Text("log_vkey.txt").TrimEnd('\n'));

        var note = Notes.Open(VectorFiles.Text("checkpoint.txt"), [key]);

        Assert.Equal([Origin], note.VerifiedNames);
        Assert.Equal(6, Checkpoint.Parse(note.Text).Size);
    }

    [Fact]
    public void Checkpoint_verifies_with_a_key_built_from_the_log_public_key()
    {
        var key = NoteVerifierKey.ForEcdsa(Origin, LogKey);

        var note = Notes.Open(VectorFiles.Text("checkpoint.txt"), [key]);

        Assert.Equal([Origin], note.VerifiedNames);
    }

    [Fact]
    public void Checkpoint_verifies_as_a_ledger_checkpoint()
    {
        var checkpoint = CheckpointNotes.Verify(VectorFiles.Text("checkpoint.txt"), Origin, [LogKey]);

        Assert.Equal(Origin, checkpoint.Origin);
        Assert.Equal(6, checkpoint.Size);
        Assert.Equal(Consistency.GetProperty("root1Base64").GetString(), Convert.ToBase64String(checkpoint.RootHash));
        Assert.Empty(checkpoint.Extensions);
    }

    [Theory]
    [InlineData("checkpoint1", "size1", "root1Base64")]
    [InlineData("checkpoint2", "size2", "root2Base64")]
    public void Consistency_checkpoint_verifies_with_its_size_and_root(string note, string size, string root)
    {
        var checkpoint = CheckpointNotes.Verify(Consistency.GetProperty(note).GetString()!, Origin, [LogKey]);

        Assert.Equal(Consistency.GetProperty(size).GetInt64(), checkpoint.Size);
        Assert.Equal(Consistency.GetProperty(root).GetString(), Convert.ToBase64String(checkpoint.RootHash));
    }

    [Fact]
    public void Checkpoint_of_the_log_is_unverified_under_another_origin()
    {
        var failure = Assert.Throws<NoteVerificationException>(() =>
            CheckpointNotes.Verify(VectorFiles.Text("checkpoint.txt"), "mlledger.example/other", [LogKey]));

        Assert.Equal(NoteVerificationFailure.UnverifiedNote, failure.Reason);
    }
}
