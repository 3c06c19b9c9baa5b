using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Training;

/// <summary>
/// One piece of the proofs of a training run that can be proven away from the run — on another machine of a cluster: a
/// step proof (<see cref="TrainingStepProver"/>) or a snapshot range proof (<see cref="SnapshotRangeArgument"/>), with
/// exactly the witness it needs and nothing of the rest of the run. Bytes: the versioned format <c>TSPW</c>
/// (<see cref="Serialize"/>, <see cref="Deserialize"/>); proven by <see cref="Prove"/> against the run's public transcript.
/// </summary>
/// <remarks>
/// <para>
/// What a piece carries. A step <c>t</c>: the parameters <c>W_t</c>, the salt seeds of snapshots <c>t</c> and <c>t + 1</c>,
/// and the batch <c>B_t</c> opened against the dataset root (<c>BatchOpening</c>); the prover replays the step on the batch
/// to get its trace and <c>W_(t+1)</c>, and commits both snapshots again from their seeds. A range proof of snapshot
/// <c>s</c>: <c>W_s</c> and its seed. Every recommitted root is checked against the transcript before anything is proven,
/// so a piece that does not belong to the run is refused rather than proven. The size is bounded by the configuration
/// (<see cref="TrainingConfig.MaxPaddedParameters"/> parameters, <see cref="TrainingConfig.MaxBatchSize"/> samples), not by
/// the run's length: a 784-64-10 step at B = 16 is about 250 KB.
/// </para>
/// <para>
/// The seeds are as secret as the run's salts (they make the commitments hiding): a piece goes only to machines the prover
/// trusts with its witness. The public transcript is not in the piece; the prover passes it (a cluster sends it once per
/// machine, not once per piece).
/// </para>
/// <para>
/// Layout, little-endian: <c>"TSPW"</c>, <c>u16</c> version 1, the transcript's 32-byte digest, <c>u8</c> kind (0 step,
/// 1 range), <c>u32</c> index, per layer the weights then the biases as <c>i32</c> (shapes from the transcript's
/// configuration), one 32-byte seed (range) or two (step), then for a step the batch opening (as in <c>TSSP</c>). No
/// trailing bytes.
/// </para>
/// </remarks>
internal sealed class TrainingProofPiece
{
    private const ushort Version = 1;

    private TrainingProofPiece(Digest256 training, bool isRange, int index, FixedPointWeights weights, byte[] seeds, BatchOpening? batch)
    {
        TranscriptDigest = training;
        IsRange = isRange;
        Index = index;
        Weights = weights;
        Seeds = seeds;
        Batch = batch;
    }

    private static ReadOnlySpan<byte> Magic => "TSPW"u8;

    /// <summary>The digest of the transcript of the run the piece belongs to.</summary>
    public Digest256 TranscriptDigest { get; }

    /// <summary>Whether this is a range proof of snapshot <see cref="Index"/> (otherwise the step proof of step <see cref="Index"/>).</summary>
    public bool IsRange { get; }

    /// <summary>The step or snapshot.</summary>
    public int Index { get; }

    /// <summary>The parameters of snapshot <see cref="Index"/> (before the step, for a step).</summary>
    public FixedPointWeights Weights { get; }

    /// <summary>The salt seed of snapshot <see cref="Index"/>, then for a step the seed of the next snapshot.</summary>
    public byte[] Seeds { get; }

    /// <summary>The opened batch of a step; null for a range proof.</summary>
    public BatchOpening? Batch { get; }

    /// <summary>The piece of step <paramref name="step"/> of a plain run (a hiding run's batch is never opened: see <see cref="TrainingProofPlan.Piece"/>).</summary>
    public static TrainingProofPiece ForStep(TrainingRun run, TrainingDataset dataset, int step) =>
        run.Dataset.IsHiding
            ? throw new NotSupportedException("A hiding run's step is proven from its dataset commitment, never from an opened batch.")
            : new(run.Transcript.Digest, false, step, run.Snapshots[step], [.. run.SaltSeed(step), .. run.SaltSeed(step + 1)], BatchOpening.Open(run, dataset, step));

    /// <summary>The piece of the range proof of snapshot <paramref name="snapshot"/>.</summary>
    public static TrainingProofPiece ForRange(TrainingRun run, int snapshot) =>
        new(run.Transcript.Digest, true, snapshot, run.Snapshots[snapshot], run.SaltSeed(snapshot).ToArray(), null);

    /// <summary>
    /// Proves the piece: the step proof (<c>TSSP</c> bytes) or the range proof (<c>TSSR</c> bytes).
    /// </summary>
    /// <param name="training">The transcript of the run (its digest must be the piece's).</param>
    /// <returns>The proof's bytes.</returns>
    /// <exception cref="ProofFormatException">The piece is not of this transcript: another digest, an index out of range, or
    /// parameters, seeds or a batch that do not commit to the transcript's roots.</exception>
    public byte[] Prove(TrainingTranscript training)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (training.Digest != TranscriptDigest || Index > training.StepCount || (!IsRange && Index == training.StepCount))
        {
            throw new ProofFormatException("The piece is not of this training transcript.");
        }

        LigeroProverState[] before = TrainingRun.CommitSnapshot(training, Weights, Seeds.AsSpan(0, DerivedSaltSource.SeedLength), Index)
            ?? throw new ProofFormatException($"The piece's parameters do not commit to the roots of snapshot {Index}.");
        if (IsRange)
        {
            return SnapshotRangeProofSerializer.Serialize(SnapshotRangeArgument.Prove(training, Index, before, WeightCommitment.Evaluations(Weights), null));
        }

        BatchOpening batch = Batch!;
        if (training.HidesSamples || !batch.Verify(training, Index))
        {
            throw new ProofFormatException($"The piece's batch is not the committed batch of step {Index}.");
        }

        // The step replayed on the opened samples alone (the trainer reads only the samples it is given).
        var samples = new TrainingDataset(training.Config, batch.Features, batch.Labels);
        StepTrace trace = new FixedPointTrainer(training.Config, samples, training.ScheduleKey).Trace(Weights, Enumerable.Range(0, batch.Count).ToArray());
        FixedPointWeights next = trace.Result.Weights;
        LigeroProverState[] after = TrainingRun.CommitSnapshot(training, next, Seeds.AsSpan(DerivedSaltSource.SeedLength), Index + 1)
            ?? throw new ProofFormatException($"Step {Index} replayed on the piece's batch does not reach the roots of snapshot {Index + 1}.");
        return TrainingStepProofSerializer.Serialize(TrainingStepProver.Prove(training, Index, trace, Weights, next, batch, before, after, null));
    }

    /// <summary>Serializes the piece (<c>TSPW</c>).</summary>
    public byte[] Serialize()
    {
        var writer = new ProofWriter();
        writer.WriteHeader(Magic, Version);
        writer.WriteDigest(TranscriptDigest);
        writer.WriteBytes([IsRange ? (byte)1 : (byte)0]);
        writer.WriteUInt32((uint)Index);
        Span<byte> scratch = stackalloc byte[4];
        for (int l = 0; l < Weights.Config.LayerCount; l++)
        {
            foreach (int v in Weights.WeightsOf(l).Concat(Weights.BiasesOf(l)))
            {
                BinaryPrimitives.WriteInt32LittleEndian(scratch, v);
                writer.WriteBytes(scratch);
            }
        }

        writer.WriteBytes(Seeds);
        Batch?.Write(writer);
        return writer.ToArray();
    }

    /// <summary>The digest of the transcript a piece's bytes name (to find the transcript before reading the rest).</summary>
    /// <exception cref="ProofFormatException">The bytes do not start as a piece.</exception>
    public static Digest256 TranscriptOf(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProofReader(bytes);
        reader.ReadHeader(Magic, Version);
        return reader.ReadDigest();
    }

    /// <summary>Reads a piece of the run of <paramref name="training"/>, with shapes and ranges from its configuration.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="training">The transcript of the run.</param>
    /// <returns>The piece.</returns>
    /// <exception cref="ProofFormatException">The bytes are malformed, or of another transcript.</exception>
    public static TrainingProofPiece Deserialize(ReadOnlySpan<byte> bytes, TrainingTranscript training)
    {
        ArgumentNullException.ThrowIfNull(training);
        var reader = new ProofReader(bytes);
        reader.ReadHeader(Magic, Version);
        if (reader.ReadDigest() != training.Digest)
        {
            throw new ProofFormatException("The piece is not of this training transcript.");
        }

        int kind = reader.ReadBytes(1)[0];
        if (kind > 1)
        {
            throw new ProofFormatException($"Piece kind {kind} is neither a step (0) nor a range proof (1).");
        }

        bool isRange = kind == 1;
        int index = reader.ReadUInt32(0, isRange ? training.StepCount : training.StepCount - 1);
        TrainingConfig config = training.Config;
        if ((long)config.ParameterCount * sizeof(int) > reader.Remaining)
        {
            throw new ProofFormatException("The declared parameters exceed the remaining bytes.");
        }

        var weights = new int[config.LayerCount][];
        var biases = new int[config.LayerCount][];
        for (int l = 0; l < config.LayerCount; l++)
        {
            weights[l] = ReadInts(ref reader, config.LayerSizes[l] * config.LayerSizes[l + 1]);
            biases[l] = ReadInts(ref reader, config.LayerSizes[l + 1]);
        }

        FixedPointWeights parameters;
        try
        {
            parameters = FixedPointWeights.Create(config, weights, biases);
        }
        catch (ArgumentException e)
        {
            throw new ProofFormatException($"The piece's parameters are malformed: {e.Message}");
        }

        byte[] seeds = reader.ReadBytes((isRange ? 1 : 2) * DerivedSaltSource.SeedLength).ToArray();
        BatchOpening? batch = isRange ? null : BatchOpening.Read(ref reader);
        if (batch is not null && (batch.Count != training.Batch(index).Length || batch.Features[0].Length != config.InputSize))
        {
            throw new ProofFormatException($"The piece's batch has {batch.Count} samples of {batch.Features[0].Length} features; step {index} has {training.Batch(index).Length} of {config.InputSize}.");
        }

        reader.EnsureEnd();
        return new TrainingProofPiece(training.Digest, isRange, index, parameters, seeds, batch);
    }

    private static int[] ReadInts(ref ProofReader reader, int count)
    {
        ReadOnlySpan<byte> raw = reader.ReadBytes(count * sizeof(int));
        var values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(sizeof(int) * i)..]);
        }

        return values;
    }
}
