using MlLedger.Integrity.Checkpoints;

namespace MlLedger.Integrity.Tests.Checkpoints;

/// <summary>checkpoints.json: every body, by its text; valid ones round-trip, invalid ones are refused.</summary>
public sealed class CheckpointBodyTests
{
    public static TheoryData<string> Bodies => NoteVectors.Rows(NoteVectors.CheckpointBodies.Select(v => v.GetProperty("body").GetString()!));

    [Fact]
    public void Vector_file_has_twelve_bodies() => Assert.Equal(12, NoteVectors.CheckpointBodies.Count());

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Body_parses_as_the_vector_says(string body)
    {
        var vector = NoteVectors.CheckpointBodies.Single(v => v.GetProperty("body").GetString() == body);
        if (!vector.GetProperty("ok").GetBoolean())
        {
            Assert.Throws<FormatException>(() => Checkpoint.Parse(body));
            return;
        }

        var checkpoint = Checkpoint.Parse(body);

        string[] lines = body.Split('\n');
        Assert.Equal(NoteVectors.OptionalString(vector, "origin") ?? lines[0], checkpoint.Origin);
        Assert.Equal(vector.TryGetProperty("size", out var size) ? size.GetInt64() : long.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture), checkpoint.Size);
        Assert.Equal(NoteVectors.OptionalString(vector, "rootHashBase64") ?? lines[2], Convert.ToBase64String(checkpoint.RootHash));
        Assert.Equal(NoteVectors.OptionalString(vector, "rest") ?? "", string.Concat(checkpoint.Extensions.Select(e => e + "\n")));
        Assert.Equal(body, checkpoint.ToBody());
    }

    [Theory]
    [InlineData("Log\n0123\nYmFuYW5hcw==\n", "leading zero in size")]
    [InlineData("Log\n+123\nYmFuYW5hcw==\n", "plus sign in size")]
    [InlineData("Log\n 123\nYmFuYW5hcw==\n", "space before size")]
    [InlineData("Log\n9223372036854775808\nYmFuYW5hcw==\n", "size past long")]
    [InlineData("Log\n123\n\n", "empty root hash")]
    [InlineData("Log\n123\nYmFuYW5hcw\n", "root hash without padding")]
    [InlineData("Log\n123\nYmFuYW5hcw==\n\n", "empty extension line")]
    [InlineData("Log\n123\nYmFuYW5hcw==\next\n\n", "trailing blank line after an extension")]
    [InlineData("", "empty body")]
    public void Further_malformed_bodies_are_refused(string body, string why)
    {
        Assert.NotEmpty(why);
        Assert.Throws<FormatException>(() => Checkpoint.Parse(body));
    }

    [Fact]
    public void Size_zero_and_largest_size_round_trip()
    {
        foreach (string body in new[] { "Log\n0\nYmFuYW5hcw==\n", "Log\n9223372036854775807\nYmFuYW5hcw==\n" })
        {
            Assert.Equal(body, Checkpoint.Parse(body).ToBody());
        }
    }

    [Fact]
    public void Checkpoints_are_equal_by_value()
    {
        var checkpoint = new Checkpoint("Log", 1, [1, 2], ["a"]);

        Assert.Equal(checkpoint, new Checkpoint("Log", 1, [1, 2], new List<string> { "a" }));
        Assert.Equal(checkpoint.GetHashCode(), new Checkpoint("Log", 1, [1, 2], ["a"]).GetHashCode());
        Assert.NotEqual(checkpoint, checkpoint with { RootHash = [1, 3] });
        Assert.NotEqual(checkpoint, checkpoint with { Extensions = ["b"] });
        Assert.NotEqual(checkpoint, checkpoint with { Size = 2 });
        Assert.NotEqual(checkpoint, checkpoint with { Origin = "Other" });
    }

    [Fact]
    public void Checkpoint_with_an_empty_extension_cannot_be_written()
    {
        var checkpoint = new Checkpoint("Log", 1, new byte[32], ["ok", ""]);

        Assert.Throws<InvalidOperationException>(() => checkpoint.ToBody());
    }
}
