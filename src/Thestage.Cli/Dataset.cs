using System.Diagnostics;
using Thestage.Inference.Data;

namespace Thestage.Cli;

/// <summary>
/// Finds Fashion-MNIST on disk. Nothing is installed unless the user asks with <c>--install-data</c>: then Debian's
/// <c>dataset-fashion-mnist</c> is installed with apt-get.
/// </summary>
internal static class Dataset
{
    /// <summary>The environment variable naming the directory used when <c>--data</c> is not given.</summary>
    public const string DirectoryVariable = "THESTAGE_DATA";

    /// <summary>The command that installs the data on Debian.</summary>
    public const string InstallCommand = "sudo apt-get install dataset-fashion-mnist";

    /// <summary>
    /// The directory holding both splits: <paramref name="directory"/> (from <c>--data</c>), else
    /// <c>$THESTAGE_DATA</c>, else the Debian package's directory — after installing the package when it is missing
    /// there and <paramref name="install"/> is set.
    /// </summary>
    /// <exception cref="FileNotFoundException">A split is missing (the message names its files and how to get them).</exception>
    public static string Locate(string? directory, bool install, Terminal terminal)
    {
        if (directory is not null)
        {
            RequireSplits(directory, hint: string.Empty);
            return directory;
        }

        string dir = Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : FashionMnist.DefaultDirectory;
        if (install && !(FashionMnist.IsAvailable(FashionMnistSplit.Train, dir) && FashionMnist.IsAvailable(FashionMnistSplit.Test, dir)))
        {
            terminal.Step("installing dataset-fashion-mnist (apt-get)", () => Install());
        }

        RequireSplits(dir, hint: $"; install it with '{InstallCommand}', or run again with --install-data, or pass --data DIR");
        return dir;
    }

    private static void RequireSplits(string dir, string hint)
    {
        foreach ((FashionMnistSplit split, string name, string prefix) in new[] { (FashionMnistSplit.Train, "training", "train"), (FashionMnistSplit.Test, "test", "t10k") })
        {
            if (!FashionMnist.IsAvailable(split, dir))
            {
                throw new FileNotFoundException($"{dir} lacks Fashion-MNIST's {name} split ({prefix}-images-idx3-ubyte and {prefix}-labels-idx1-ubyte, plain or .gz){hint}");
            }
        }
    }

    // apt-get install, and on failure apt-get update then install again (a fresh machine's package lists may be empty).
    private static bool Install()
    {
        if (Run("apt-get", "install -y -q dataset-fashion-mnist") || (Run("apt-get", "update -q") && Run("apt-get", "install -y -q dataset-fashion-mnist")))
        {
            return true;
        }

        throw new FileNotFoundException($"apt-get could not install dataset-fashion-mnist (it needs root); run '{InstallCommand}', or pass --data DIR");
    }

    private static bool Run(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            error.Wait();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
