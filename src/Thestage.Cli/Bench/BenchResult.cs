namespace Thestage.Cli.Bench;

/// <summary>
/// Everything one <c>thestage bench</c> run measured, with where and how: written to <c>results.json</c> in the report
/// folder, printed with <c>--json</c>, and the source of <c>report.md</c> and its charts.
/// </summary>
internal sealed record BenchResult
{
    /// <summary>Gets the verb.</summary>
    public string Command => "bench";

    /// <summary>Gets a value indicating whether every suite ran and every proof it made verified.</summary>
    public bool Passed => true;

    /// <summary>Gets the report folder.</summary>
    public required string Out { get; init; }

    /// <summary>Gets the command line of the run.</summary>
    public required string CommandLine { get; init; }

    /// <summary>Gets when the run started (UTC).</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>Gets the length of the run, in seconds.</summary>
    public required double Seconds { get; init; }

    /// <summary>Gets the machine, its load and the software.</summary>
    public required BenchMachine Machine { get; init; }

    /// <summary>Gets the size set: quick, full or smoke.</summary>
    public required string Scale { get; init; }

    /// <summary>Gets the untimed calls before each figure.</summary>
    public required int Warmup { get; init; }

    /// <summary>Gets the shortest warm-up of each figure, in milliseconds.</summary>
    public required double WarmupMs { get; init; }

    /// <summary>Gets the timed iterations of each figure.</summary>
    public required int Iterations { get; init; }

    /// <summary>Gets the shortest iteration, in milliseconds (fast calls are repeated within an iteration).</summary>
    public required double IterationTargetMs { get; init; }

    /// <summary>Gets the suites run, in order.</summary>
    public required IReadOnlyList<string> Suites { get; init; }

    /// <summary>Gets the CKKS figures (null when that suite did not run).</summary>
    public IReadOnlyList<CkksRow>? Ckks { get; init; }

    /// <summary>Gets the file of SEAL's figures (null when none was given).</summary>
    public string? SealFile { get; init; }

    /// <summary>Gets the comment lines of that file: SEAL's version, machine and date as it records them.</summary>
    public IReadOnlyList<string>? SealComments { get; init; }

    /// <summary>Gets our CKKS figures beside SEAL's (null without SEAL's figures).</summary>
    public IReadOnlyList<SealRow>? Seal { get; init; }

    /// <summary>Gets plain against encrypted inference, per model.</summary>
    public IReadOnlyList<InferenceRow>? Inference { get; init; }

    /// <summary>Gets the model commitments of the proof suite.</summary>
    public IReadOnlyList<ProofModelRow>? ProofModels { get; init; }

    /// <summary>Gets the inference proofs, per model and batch.</summary>
    public IReadOnlyList<ProofRow>? Proofs { get; init; }

    /// <summary>Gets the training-step proofs, per width and batch.</summary>
    public IReadOnlyList<TrainingRow>? Training { get; init; }

    /// <summary>Gets the files of the report folder, relative to it.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
}
