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

    /// <summary>The directory holding MlLedger.sln, above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MlLedger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no MlLedger.sln above {AppContext.BaseDirectory}");
    }
}
