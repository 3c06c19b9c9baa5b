namespace Thestage.Cli.Bench;

/// <summary>
/// The sizes and repetitions of one <c>thestage bench</c> run. The workloads are those of the BenchmarkDotNet suites
/// (<c>benchmarks/Thestage.Benchmarks</c>); quick takes the smaller ones, full adds the larger ones, smoke (the tests'
/// hidden option) the smallest of each with one iteration.
/// </summary>
/// <param name="Name">quick, full or smoke.</param>
/// <param name="Warmup">The untimed calls before a figure's iterations (at least).</param>
/// <param name="WarmupTime">The shortest warm-up of a figure: fast calls are repeated until it has passed (JIT tiering).</param>
/// <param name="Iterations">The timed iterations of a figure.</param>
/// <param name="IterationTarget">The shortest iteration: fast calls are repeated within an iteration until it lasts this long.</param>
/// <param name="CkksDegrees">The ring dimensions of the CKKS operations (SEAL's default 128-bit moduli).</param>
/// <param name="InferenceWidths">The hidden widths of the 784-h-10 square-activation MLPs of the inference suite.</param>
/// <param name="InferenceCnn">Whether the inference suite includes the encrypted-CNN anchor's network.</param>
/// <param name="ProofWidths">The hidden widths of the 784-h-10 ReLU MLPs of the proof suite.</param>
/// <param name="ProofCnn">Whether the proof suite includes its CNN.</param>
/// <param name="ProofBatches">The batch sizes (images per proof) of the proof suite.</param>
/// <param name="TrainingWidths">The hidden widths of the 784-h-10 MLP of the training-proof suite.</param>
/// <param name="TrainingBatches">The SGD batch sizes of the training-proof suite.</param>
internal sealed record BenchScale(
    string Name, int Warmup, TimeSpan WarmupTime, int Iterations, TimeSpan IterationTarget, int[] CkksDegrees, int[] InferenceWidths, bool InferenceCnn,
    int[] ProofWidths, bool ProofCnn, int[] ProofBatches, int[] TrainingWidths, int[] TrainingBatches)
{
    /// <summary>The default: a few minutes on two cores.</summary>
    public static BenchScale Quick { get; } = new(
        "quick", 1, TimeSpan.FromMilliseconds(250), 3, TimeSpan.FromMilliseconds(20), [4096, 8192], [64, 128], true, [32, 64, 128], true, [1, 4, 16], [32, 64], [16, 64]);

    /// <summary>Every size, with BenchmarkDotNet's iteration length: tens of minutes.</summary>
    public static BenchScale Full { get; } = new(
        "full", 2, TimeSpan.FromSeconds(1), 10, TimeSpan.FromMilliseconds(100), [4096, 8192, 16384], [16, 32, 64, 128, 256], true, [16, 32, 64, 128, 256], true, [1, 4, 16, 64], [16, 32, 64, 128], [16, 64, 256]);

    /// <summary>The smallest workload of each suite, once: what the tests run.</summary>
    public static BenchScale Smoke { get; } = new(
        "smoke", 0, TimeSpan.Zero, 1, TimeSpan.Zero, [4096], [16], false, [16], false, [1], [16], [16]);
}
