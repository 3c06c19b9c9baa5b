using System.CommandLine;
using Thestage.Proofs;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Training;

namespace Thestage.Cli;

/// <summary>Options of <c>thestage train</c>.</summary>
internal sealed record TrainingOptions
{
    private static readonly Option<string?> DataOption = CliOptions.ExistingDirectory("--data", "Fashion-MNIST's directory (both splits; default: $THESTAGE_DATA, else /usr/share/datasets/fashion-mnist)");
    private static readonly Option<bool> InstallOption = CliOptions.Flag("--install-data", "Install Debian's dataset-fashion-mnist with apt-get when the data is missing (never done otherwise)");
    private static readonly Option<string?> OutOption = CliOptions.OutputDirectory("--out", "Write the transcript (transcript.tstt) and the proofs (proofs.tstp) here");
    private static readonly Option<int> TrainOption = CliOptions.Count("--train", "Training images", 16, 60000, 60000);
    private static readonly Option<int> TestOption = CliOptions.Count("--test", "Test images", 1, 10000, 10000);
    private static readonly Option<int> HiddenOption = CliOptions.Count("--hidden", "Hidden width H", 1, 4096, 32);
    private static readonly Option<int> BatchOption = CliOptions.Count("--batch", "Batch size (a power of two)", 1, 4096, 16);
    private static readonly Option<int> LrShiftOption = CliOptions.Count("--lr-shift", "Learning rate 2^-s", 0, 30, 5);
    private static readonly Option<int> StepsOption = CliOptions.Count("--steps", "SGD steps", 1, 100000, 3000);
    private static readonly Option<int> SampleOption = CliOptions.Count("--sample", "Steps proven, drawn by Fiat–Shamir (an audit: one wrong step of T is caught with probability k/T; verifiers ask for at least 44 by default)", 1, 100000, VerifierPolicy.DefaultMinimumSampleSize);
    private static readonly Option<bool> EveryStepOption = CliOptions.Flag("--every-step", "Prove every step instead of a sample");
    private static readonly Option<bool> PlainOption = CliOptions.Flag("--non-hiding-for-benchmarks", "Commit and prove in the plain mode, NOT zero-knowledge (proofs reveal the batch samples, snapshots' columns and round messages); the default of this verb, see --hiding");
    private static readonly Option<bool> HidingOption = CliOptions.Flag("--hiding", "Commit and prove in the zero-knowledge mode (samples, snapshots and masks hidden); at most 4096 training images: a hiding run of this size takes about 10 min and 6 GB here, docs/training.md");
    private static readonly Option<ulong> SeedOption = CliOptions.UInt64("--seed", "Seed of the initial weights and the batch schedule", 2026);

    public string? DataDirectory { get; init; }

    public string? OutputDirectory { get; init; }

    public int TrainImages { get; init; } = 60000;

    public int TestImages { get; init; } = 10000;

    public int Hidden { get; init; } = 32;

    public int Batch { get; init; } = 16;

    public int LearningRateShift { get; init; } = 5;

    public int Steps { get; init; } = 3000;

    /// <summary>Gets the sample size, or null to prove every step.</summary>
    public int? Sample { get; init; } = VerifierPolicy.DefaultMinimumSampleSize;

    public ulong Seed { get; init; } = 2026;

    public bool InstallData { get; init; }

    /// <summary>
    /// Gets a value indicating whether the run and the model are committed in the zero-knowledge mode (<c>--hiding</c>). Unlike the SDK
    /// (<see cref="TrainingRun.Record(TrainingConfig, TrainingDataset, int, LigeroParameters?, Thestage.Proofs.Hashing.ISaltSource?)"/>
    /// is hiding by default), this verb is plain by default: its default run, 60,000 images and 3,000 steps, is beyond what a hiding
    /// dataset commitment and the hiding proofs hold in memory today (4,096 images and 200 steps measured 6.0 GB peak).
    /// </summary>
    public bool Hiding { get; init; }

    /// <summary>The Ligero parameters of the run and of the linked model's commitment (null: the SDK's defaults, hiding).</summary>
    public LigeroParameters? Parameters => Hiding ? null : LigeroParameters.NonHidingForBenchmarks;

    /// <summary>The verb, its options and its action.</summary>
    public static Command Command(Func<TrainingOptions, Terminal, CancellationToken, int> run)
    {
        var command = new Command("train", "Proven training on Fashion-MNIST: trains a 784-H-10 ReLU MLP in exact fixed point, commits to the data, the hyperparameters and every weight snapshot, proves a Fiat–Shamir sample of steps (or every step), verifies the proofs, exports the model to the IR and links it to verifiable inference.")
        {
            DataOption, InstallOption, OutOption, TrainOption, TestOption, HiddenOption, BatchOption, LrShiftOption, StepsOption, SampleOption, EveryStepOption, SeedOption, PlainOption, HidingOption,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => run(From(result), terminal, token)));
        return command;
    }

    /// <summary>The configuration the options describe (f = 16, W = 24, V = 28).</summary>
    public TrainingConfig Config() =>
        new([784, Hidden, 10], Batch, LearningRateShift, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: Seed);

    private static TrainingOptions From(ParseResult result)
    {
        if (result.GetResult(SampleOption) is { Implicit: false } && result.GetValue(EveryStepOption))
        {
            throw new UsageException("--sample and --every-step exclude each other");
        }

        if (result.GetValue(HidingOption) && result.GetValue(PlainOption))
        {
            throw new UsageException("--hiding and --non-hiding-for-benchmarks exclude each other");
        }

        var options = new TrainingOptions
        {
            DataDirectory = result.GetValue(DataOption),
            InstallData = result.GetValue(InstallOption),
            OutputDirectory = result.GetValue(OutOption),
            TrainImages = result.GetValue(TrainOption),
            TestImages = result.GetValue(TestOption),
            Hidden = result.GetValue(HiddenOption),
            Batch = result.GetValue(BatchOption),
            LearningRateShift = result.GetValue(LrShiftOption),
            Steps = result.GetValue(StepsOption),
            Sample = result.GetValue(EveryStepOption) ? null : result.GetValue(SampleOption),
            Seed = result.GetValue(SeedOption),
            Hiding = result.GetValue(HidingOption),
        };
        return options.InstallData && options.DataDirectory is not null
            ? throw new UsageException("--install-data installs Debian's package into its own directory; it does not go with --data")
            : options.Validated();
    }

    // The checks that involve several options, made before anything starts: the configuration's range rules, and a
    // batch that the training images can fill.
    private TrainingOptions Validated()
    {
        try
        {
            _ = Config();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--hidden {Hidden} --batch {Batch} --lr-shift {LearningRateShift}: {e.Message}");
        }

        if (Hiding && TrainImages > 4096)
        {
            throw new UsageException($"--hiding commits at most 4096 training images (--train {TrainImages}): a hiding dataset commitment of more does not fit this machine's memory (docs/training.md)");
        }

        if (Batch > TrainImages)
        {
            throw new UsageException($"--batch {Batch} exceeds --train {TrainImages}");
        }

        return this;
    }
}
