using Thestage.Proofs;
using Thestage.Proofs.Training;

namespace Thestage.Cli;

/// <summary>Options of <c>thestage train</c>.</summary>
internal sealed record TrainingOptions
{
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

    public static TrainingOptions Parse(string[] args) =>
        OptionReader.Parse(args, new TrainingOptions(), (options, o) => o.Name switch
        {
            "--data" => options with { DataDirectory = o.Directory() },
            "--out" => options with { OutputDirectory = o.Value() },
            "--train" => options with { TrainImages = o.Count(16, 60000) },
            "--test" => options with { TestImages = o.Count(1, 10000) },
            "--hidden" => options with { Hidden = o.Count(1, 4096) },
            "--batch" => options with { Batch = o.Count(1, 4096) },
            "--lr-shift" => options with { LearningRateShift = o.Count(0, 30) },
            "--steps" => options with { Steps = o.Count(1, 100000) },
            "--sample" => options with { Sample = o.Count(1, 100000) },
            "--every-step" => options with { Sample = null },
            "--seed" => options with { Seed = o.UInt64() },
            _ => throw o.Unknown(),
        }).Validated();

    /// <summary>The configuration the options describe (f = 16, W = 24, V = 28).</summary>
    public TrainingConfig Config() =>
        new([784, Hidden, 10], Batch, LearningRateShift, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: Seed);

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

        if (Batch > TrainImages)
        {
            throw new UsageException($"--batch {Batch} exceeds --train {TrainImages}");
        }

        if (OutputDirectory is string output && File.Exists(output))
        {
            throw new UsageException($"--out: '{output}' is a file, not a directory");
        }

        return this;
    }
}
