namespace MlLedger.Api.Log;

/// <summary>
/// Where the sequencer stands: the tree size, the last event sequence number it appended, and the right
/// frontier of the tree (the hashes of its maximal complete subtrees, left to right), enough to append the
/// next leaf and to compute the current root without reading any other node.
/// Written in the same transaction as the leaves and nodes it describes.
/// </summary>
public sealed class LogState
{
    public const string Key = "log";

    public string Id { get; set; } = Key;

    public long Size { get; set; }

    public long LastSequence { get; set; }

    public List<byte[]> Frontier { get; set; } = [];
}
