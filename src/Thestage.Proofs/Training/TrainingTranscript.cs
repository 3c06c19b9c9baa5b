using Org.BouncyCastle.Crypto.Digests;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Training;

/// <summary>
/// The public record of a training run: commitments to the dataset, to the architecture and hyperparameters, to the
/// initial parameters and to the parameters after every step, from which anyone recomputes each step's batch.
/// </summary>
/// <remarks>
/// <para>
/// Contents: the <see cref="TrainingConfig"/> (architecture, batch size, learning-rate shift, fixed-point widths,
/// seed) and the Ligero parameters, bound by <see cref="ConfigDigest"/>; the dataset root and sample count
/// (<see cref="DatasetCommitment"/>); and Ligero roots of <c>T + 1</c> snapshots (<see cref="WeightRootsOf"/>, index 0
/// the initial parameters, index <c>t + 1</c> those after step <c>t</c>), one or two per snapshot as the parameters are
/// packed into one or two polynomials (the largest layer on its own when it outweighs the rest, see
/// <c>WeightCommitment</c>) (Ligero rather than a plain Merkle root because step proofs need evaluations of the
/// weight polynomials at random points). Step <c>t</c> used the samples <see cref="Batch"/> returns
/// (<see cref="BatchSchedule"/>, under <see cref="ScheduleKey"/>), so batch membership is public and fixed by the
/// seed, the dataset commitment and the initial-weight commitment together.
/// </para>
/// <para>
/// <see cref="Digest"/> hashes the whole canonical encoding; it is the transcript's identity (what a proof of a step
/// would absorb into its Fiat–Shamir transcript) and the trailer of the byte format (<see cref="TrainingTranscriptSerializer"/>),
/// where it detects corruption of any byte. It is not a signature: whoever changes the contents can recompute it.
/// </para>
/// <para>
/// What the transcript alone does not show: that snapshot 0 is the seed's initial weights and that each snapshot is the
/// result of <see cref="FixedPointTrainer"/> on the previous one and the committed batch. Those are the statements of
/// <see cref="InitialSnapshotProof"/>, <see cref="TrainingStepProof"/> and <see cref="SnapshotRangeProof"/>, checked together
/// by <see cref="TrainingVerifier"/>.
/// </para>
/// </remarks>
public sealed class TrainingTranscript
{
    /// <summary>The largest number of recorded steps.</summary>
    public const int MaxSteps = 1 << 20;

    private readonly Digest256[] _weightRoots;
    private readonly int[] _weightVariables;

    internal TrainingTranscript(TrainingConfig config, LigeroParameters parameters, int sampleCount, Digest256 datasetRoot, Digest256[] weightRoots, int datasetOpeningBudget = 0)
    {
        if (parameters.OpeningBudget != 0 || (parameters.Hiding ? datasetOpeningBudget is < 1 or > LigeroParameters.MaxOpeningBudget : datasetOpeningBudget != 0))
        {
            throw new ArgumentException(
                $"A hiding transcript commits its dataset with an opening budget in [1, {LigeroParameters.MaxOpeningBudget}] (one opening per step proof), a plain one with none; the weight parameters carry no budget.");
        }

        int[] variables = WeightCommitment.NumVariables(config, parameters.Hiding);
        int polynomials = variables.Length;
        if (weightRoots.Length < polynomials || weightRoots.Length > (MaxSteps + 1) * polynomials || weightRoots.Length % polynomials != 0)
        {
            throw new ArgumentException($"A transcript records between 0 and {MaxSteps} steps, {polynomials} root(s) per snapshot.");
        }

        if (sampleCount < config.BatchSize || sampleCount > TrainingDataset.MaxSamples)
        {
            throw new ArgumentException("The sample count must lie in [batch size, MaxSamples].");
        }

        if (parameters.Hiding)
        {
            // The dataset's polynomial must be committable (at most 2^30 entries and a codeword the parameters allow), or every
            // verifier of the run would fail on it later (a hostile transcript is a few hundred bytes).
            _ = parameters.WithOpeningBudget(datasetOpeningBudget).CodewordLength(new DatasetPolynomial(config, sampleCount).NumVariables);
        }

        Config = config;
        Parameters = parameters;
        SampleCount = sampleCount;
        DatasetRoot = datasetRoot;
        DatasetOpeningBudget = datasetOpeningBudget;
        _weightRoots = weightRoots;
        _weightVariables = variables;
        ConfigDigest = ComputeConfigDigest(config, parameters);
        ScheduleKey = BatchSchedule.Key(ConfigDigest, sampleCount, datasetRoot, WeightRootsOf(0));
        var writer = new ProofWriter();
        TrainingTranscriptSerializer.WriteBody(writer, this);
        Digest = Hash(HidesSamples ? "thestage/training-transcript/v6"u8 : "thestage/training-transcript/v3"u8, writer.ToArray());
    }

    /// <summary>Gets the architecture and hyperparameters.</summary>
    public TrainingConfig Config { get; }

    /// <summary>Gets the Ligero parameters of the weight commitments.</summary>
    public LigeroParameters Parameters { get; }

    /// <summary>Gets the BLAKE2s digest of the configuration and Ligero parameters (domain <c>thestage/training-config/v1</c>).</summary>
    public Digest256 ConfigDigest { get; }

    /// <summary>
    /// Gets the batch-schedule key (<see cref="BatchSchedule.Key"/>): derived from the configuration digest, <c>N</c>, the
    /// dataset root and the initial weight root, so no batch exists before the data and initial weights are committed.
    /// </summary>
    public Digest256 ScheduleKey { get; }

    /// <summary>Gets the number of committed samples <c>N</c>.</summary>
    public int SampleCount { get; }

    /// <summary>Gets the dataset Merkle root, or for a hiding run the root of the hiding Ligero commitment to the samples (<see cref="DatasetCommitment"/>).</summary>
    public Digest256 DatasetRoot { get; }

    /// <summary>
    /// The opening budget of a hiding run's dataset commitment: the number of step proofs that keep the samples hidden (each opens
    /// the commitment once, with its own mask set); 0 for a plain run, whose step proofs open their samples.
    /// </summary>
    internal int DatasetOpeningBudget { get; }

    /// <summary>Whether the samples are committed hiding and proven, never opened (hiding runs).</summary>
    internal bool HidesSamples => Parameters.Hiding;

    /// <summary>The Ligero parameters of a hiding run's dataset commitment: the run's, with <see cref="DatasetOpeningBudget"/>.</summary>
    internal LigeroParameters DatasetParameters => Parameters.WithOpeningBudget(DatasetOpeningBudget);

    /// <summary>The hiding dataset commitment of a hiding run (root and number of variables, <see cref="DatasetPolynomial"/>).</summary>
    internal LigeroCommitment DatasetLigeroCommitment => new(DatasetRoot, new DatasetPolynomial(Config, SampleCount).NumVariables);

    /// <summary>Gets the number of recorded steps <c>T</c>.</summary>
    public int StepCount => (_weightRoots.Length / _weightVariables.Length) - 1;

    /// <summary>Gets the number of Ligero polynomials per snapshot (1, or 2 when the largest layer is split off).</summary>
    public int WeightPolynomialCount => _weightVariables.Length;

    /// <summary>
    /// Gets the Ligero roots of all snapshots, snapshot-major: <see cref="WeightPolynomialCount"/> roots for the initial
    /// parameters, then as many after each step.
    /// </summary>
    public IReadOnlyList<Digest256> WeightRoots => _weightRoots;

    /// <summary>Gets the number of variables of each weight polynomial (fixed by the architecture).</summary>
    public IReadOnlyList<int> WeightVariables => _weightVariables;

    /// <summary>Gets the BLAKE2s digest of the whole transcript (domain <c>thestage/training-transcript/v3</c>; <c>…/v6</c> for a hiding run).</summary>
    public Digest256 Digest { get; }

    /// <summary>Gets the Ligero roots of snapshot <paramref name="index"/> (0 initial, <c>t + 1</c> after step <c>t</c>).</summary>
    /// <param name="index">The snapshot index, in <c>[0, T]</c>.</param>
    /// <returns>One root per weight polynomial.</returns>
    public Digest256[] WeightRootsOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, StepCount);
        int k = _weightVariables.Length;
        return _weightRoots[(index * k)..((index + 1) * k)];
    }

    /// <summary>Gets the Ligero commitments to snapshot <paramref name="index"/> (0 initial, <c>t + 1</c> after step <c>t</c>).</summary>
    /// <param name="index">The snapshot index, in <c>[0, T]</c>.</param>
    /// <returns>One commitment per weight polynomial.</returns>
    public LigeroCommitment[] WeightCommitmentsAt(int index) =>
        WeightRootsOf(index).Select((root, g) => new LigeroCommitment(root, _weightVariables[g])).ToArray();

    /// <summary>Gets the sample indices of step <paramref name="step"/>.</summary>
    /// <param name="step">The step, in <c>[0, T)</c>.</param>
    /// <returns>The batch, in draw order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is not a recorded step.</exception>
    public int[] Batch(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, StepCount);
        return BatchSchedule.Indices(ScheduleKey, SampleCount, Config.BatchSize, step);
    }

    /// <summary>Computes <see cref="ConfigDigest"/> (needed before the transcript exists, to derive the batch schedule).</summary>
    internal static Digest256 ComputeConfigDigest(TrainingConfig config, LigeroParameters parameters)
    {
        var writer = new ProofWriter();
        TrainingTranscriptSerializer.WriteConfig(writer, config, parameters);
        return Hash("thestage/training-config/v1"u8, writer.ToArray());
    }

    private static Digest256 Hash(ReadOnlySpan<byte> domain, byte[] body)
    {
        var digest = new Blake2sDigest(256);
        digest.BlockUpdate(domain);
        digest.BlockUpdate(body, 0, body.Length);
        var output = new byte[Digest256.Length];
        digest.DoFinal(output, 0);
        return Digest256.FromBytes(output);
    }
}
