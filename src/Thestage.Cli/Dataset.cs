using System.Diagnostics;
using Thestage.Inference.Data;

namespace Thestage.Cli;

/// <summary>Finds Fashion-MNIST on disk, installing Debian's package when it is missing and the user can.</summary>
internal static class Dataset
{
    public static string Locate(string? directory)
    {
        if (directory is not null)
        {
            return FashionMnist.IsAvailable(FashionMnistSplit.Test, directory)
                ? directory
                : throw new ArgumentException($"no Fashion-MNIST IDX files in {directory}");
        }

        if (!FashionMnist.IsAvailable(FashionMnistSplit.Test))
        {
            Console.WriteLine($"Fashion-MNIST is not under {FashionMnist.DefaultDirectory}; installing Debian's dataset-fashion-mnist …");
            if (!Run("apt-get", "install -y -q dataset-fashion-mnist") && !(Run("apt-get", "update -q") && Run("apt-get", "install -y -q dataset-fashion-mnist")))
            {
                throw new ArgumentException("could not install dataset-fashion-mnist (run: sudo apt-get install dataset-fashion-mnist), or pass --data DIR");
            }
        }

        return FashionMnist.DefaultDirectory;
    }

    private static bool Run(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
