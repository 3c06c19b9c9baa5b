using System.CommandLine;

namespace Thestage.Cli;

/// <summary>Options of <c>thestage demo</c>.</summary>
internal sealed record DemoOptions
{
    private static readonly Option<string?> DataOption = CliOptions.ExistingDirectory("--data", "Fashion-MNIST's directory (both splits; default: $THESTAGE_DATA, else /usr/share/datasets/fashion-mnist)");
    private static readonly Option<bool> InstallOption = CliOptions.Flag("--install-data", "Install Debian's dataset-fashion-mnist with apt-get when the data is missing (never done otherwise)");
    private static readonly Option<int> TrainOption = CliOptions.Count("--train", "Training images", 100, 60000, 60000);
    private static readonly Option<int> EpochsOption = CliOptions.Count("--epochs", "Training epochs", 1, 100, 3);
    private static readonly Option<int> ImagesOption = CliOptions.Count("--images", "Test images encrypted in one batch (one per slot)", 1, 4096, 4096);
    private static readonly Option<int> SingleOption = CliOptions.Count("--single", "Test images encrypted one per ciphertext (latency)", 0, 10000, 10);

    public string? DataDirectory { get; init; }

    public bool InstallData { get; init; }

    public int TrainImages { get; init; } = 60000;

    public int Epochs { get; init; } = 3;

    public int EncryptedImages { get; init; } = 4096;

    public int SingleImages { get; init; } = 10;

    /// <summary>The verb, its options and its action.</summary>
    public static Command Command(Func<DemoOptions, Terminal, CancellationToken, int> run)
    {
        var command = new Command("demo", "Private inference on Fashion-MNIST: trains an HE-friendly CNN in TorchSharp, converts it, plans 128-bit CKKS parameters, and evaluates encrypted test images (one per ciphertext, and a batch with one image per slot); prints accuracy, agreement, latency, throughput and sizes.")
        {
            DataOption, InstallOption, TrainOption, EpochsOption, ImagesOption, SingleOption,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => run(From(result), terminal, token)));
        return command;
    }

    private static DemoOptions From(ParseResult result)
    {
        var options = new DemoOptions
        {
            DataDirectory = result.GetValue(DataOption),
            InstallData = result.GetValue(InstallOption),
            TrainImages = result.GetValue(TrainOption),
            Epochs = result.GetValue(EpochsOption),
            EncryptedImages = result.GetValue(ImagesOption),
            SingleImages = result.GetValue(SingleOption),
        };
        return options.InstallData && options.DataDirectory is not null
            ? throw new UsageException("--install-data installs Debian's package into its own directory; it does not go with --data")
            : options;
    }
}
