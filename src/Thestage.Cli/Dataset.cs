using System.Diagnostics;
using Thestage.Inference.Data;

namespace Thestage.Cli;

/// <summary>Finds Fashion-MNIST on disk, installing Debian's package when it is missing and the user can.</summary>
internal static class Dataset
{
    /// <summary>The directory holding both splits: <paramref name="directory"/>, or the Debian package's directory.</summary>
    /// <exception cref="FileNotFoundException">A split is missing (the message names its files).</exception>
    public static string Locate(string? directory)
    {
        string dir = directory ?? FashionMnist.DefaultDirectory;
        if (directory is null && !FashionMnist.IsAvailable(FashionMnistSplit.Test) && !FashionMnist.IsAvailable(FashionMnistSplit.Train))
        {
            Console.WriteLine($"Fashion-MNIST is not under {FashionMnist.DefaultDirectory}; installing Debian's dataset-fashion-mnist …");
            if (!Run("apt-get", "install -y -q dataset-fashion-mnist") && !(Run("apt-get", "update -q") && Run("apt-get", "install -y -q dataset-fashion-mnist")))
            {
                throw new FileNotFoundException($"Fashion-MNIST is not under {FashionMnist.DefaultDirectory} and dataset-fashion-mnist could not be installed; run: sudo apt-get install dataset-fashion-mnist, or pass --data DIR");
            }
        }

        foreach ((FashionMnistSplit split, string name, string prefix) in new[] { (FashionMnistSplit.Train, "training", "train"), (FashionMnistSplit.Test, "test", "t10k") })
        {
            if (!FashionMnist.IsAvailable(split, dir))
            {
                throw new FileNotFoundException($"{dir} lacks Fashion-MNIST's {name} split ({prefix}-images-idx3-ubyte and {prefix}-labels-idx1-ubyte, plain or .gz)");
            }
        }

        return dir;
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
