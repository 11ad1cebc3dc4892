namespace MlLedger.Api.Keys;

/// <summary>Reads and writes key material: private keys are created 0600 and refused when others can read them.</summary>
public static class KeyFiles
{
    public static void WritePrivate(string path, string contents)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(contents);
    }

    public static string ReadPrivate(string path)
    {
        if (!File.Exists(path))
        {
            throw new KeyFileException($"key file {path} does not exist");
        }

        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                                        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            if ((mode & others) != 0)
            {
                throw new KeyFileException(
                    $"key file {path} is accessible by other users (mode {Convert.ToString((int)mode, 8)}); run: chmod 600 {path}");
            }
        }

        return File.ReadAllText(path);
    }
}

public sealed class KeyFileException(string message) : Exception(message);
