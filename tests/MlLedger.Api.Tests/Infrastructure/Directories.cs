namespace MlLedger.Api.Tests.Infrastructure;

public static class Directories
{
    /// <summary>Copies the files of <paramref name="from"/> (not its subdirectories) into <paramref name="to"/>, e.g. a ledger's keys.</summary>
    public static void CopyFiles(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
