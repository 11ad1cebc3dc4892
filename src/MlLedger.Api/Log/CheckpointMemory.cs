using MlLedger.Integrity.Checkpoints;

namespace MlLedger.Api.Log;

/// <summary>
/// The largest checkpoint this ledger has signed, kept beside its keys (<c>log-checkpoint.txt</c>), outside the
/// database: a database owner who deletes the checkpoints, or wipes and regrows the log, cannot make the ledger
/// sign a tree that does not extend it. After restoring the database from a backup older than this checkpoint, the
/// ledger refuses to sign until an operator has confirmed the restore and removed the file (README).
/// </summary>
internal sealed class CheckpointMemory(string keysDirectory)
{
    public const string FileName = "log-checkpoint.txt";

    private readonly Lock _gate = new();

    private string Path => System.IO.Path.Combine(keysDirectory, FileName);

    /// <summary>The remembered signed note, or null before the first checkpoint.</summary>
    public string? Read() => File.Exists(Path) ? File.ReadAllText(Path) : null;

    /// <summary>Remembers <paramref name="note"/> if its tree is larger than the one remembered (write, then rename).</summary>
    public void Remember(string note, long size, Func<string, long> sizeOf)
    {
        lock (_gate)
        {
            if (Read() is { } current && sizeOf(current) >= size)
            {
                return;
            }

            // a name of its own (nodes sharing the keys directory never write the same file), on disk before the rename
            var staged = $"{Path}.{Guid.NewGuid():N}.next";
            using (var file = new FileStream(staged, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(System.Text.Encoding.UTF8.GetBytes(note));
                file.Flush(flushToDisk: true);
            }

            File.Move(staged, Path, overwrite: true);
        }
    }
}
