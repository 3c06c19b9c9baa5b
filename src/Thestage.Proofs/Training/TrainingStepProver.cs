using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Training;

/// <summary>
/// Proves one SGD step of a recorded run: <c>W_(t+1)</c> is exactly <see cref="FixedPointTrainer"/>'s update of
/// <c>W_t</c> on the batch <c>B_t</c> that <see cref="TrainingTranscript.Batch"/> selects — forward pass, loss gradient,
/// backward pass and rounded update, with every rounding and every range of the integer semantics.
/// </summary>
/// <remarks>
/// <para>
/// Protocol (commit-and-prove, non-interactive by Fiat–Shamir over BLAKE2s; challenges in <see cref="GoldilocksExt2"/>):
/// the prover opens the batch samples against the dataset root (a hiding run's prover does not: it commits the batch's input and
/// one-hot targets with the witness and proves them against the hiding dataset commitment, <see cref="StepRelations"/> and
/// <see cref="DatasetPolynomial"/>, discharging the dataset claims by one more hiding opening) and commits (Ligero, one polynomial) to the byte limbs of
/// every rounded tensor of the step (<see cref="StepCircuit"/>: pre-activations <c>Z_l</c>, backward quotients
/// <c>Q_l</c>, the output error, and the remainders of every rounding, including the update's). The transcript absorbs
/// the training transcript's digest, <c>t</c>, the roots of snapshots <c>t</c> and <c>t + 1</c>, the batch and the witness
/// root. Then (1) one logUp argument (Haböck, eprint 2022/1530, with GKR fractional sumchecks) range-checks every
/// limb; (2) the forward, output-error, backward and update identities are checked at random points and reduced by
/// sumchecks (<see cref="StepRelations"/>) to claims on the limbs, on <c>W_t</c>, on <c>W_(t+1)</c> and on the batch; (3) the
/// limb claims and each snapshot's claims are batched into one Ligero opening per polynomial (<c>ClaimBatcher</c>).
/// </para>
/// <para>
/// Why the field identities are the integer semantics: limbs are bytes, so <c>Z, Q, δ_out</c> are <c>V</c>-bit and every
/// remainder lies in <c>[0, 2^s)</c>; the opened inputs are checked to be <c>V</c>-bit; snapshots <c>t</c> and <c>t + 1</c> are
/// <c>W</c>-bit with zero padding by their <see cref="SnapshotRangeProof"/>s (which <see cref="TrainingVerifier"/> checks).
/// Then <see cref="TrainingConfig"/>'s width rules bound both sides of every identity by <c>2^63 &lt; p</c>, so equality
/// mod <c>p</c> is equality over the integers, and the zero padding makes every padded entry of every tensor zero.
/// </para>
/// <para>
/// Soundness error (<c>|E| = p² ≈ 2^128</c>): each identity at a random point of <c>v</c> variables <c>v/|E|</c>
/// (Schwartz–Zippel), each sumcheck of degree <c>d</c> over <c>v</c> variables <c>d·v/|E|</c>, the logUp
/// <c>(N + 2^8 + 1.5·L² + 2L)/|E|</c> for <c>N</c> lookups in <c>2^L</c> leaves, the batching <c>(k + 2v)/|E|</c> per polynomial,
/// and <c>(1 − δ)^t + n/|E|</c> for each of the three to five Ligero openings (<c>2^−103.07</c> at the default parameters,
/// <c>docs/proofs.md</c>). <see cref="TrainingStepVerifier.SoundnessBits"/> evaluates the sum for a transcript, counting the
/// relation terms by walking the relations: for 784-64-10 at B = 16, five openings and field terms near <c>2^−112</c> give
/// 100.74 bits. The batch samples are bound by BLAKE2s collision resistance of the dataset tree (a hiding run's by the dataset's
/// Ligero opening, counted in <see cref="TrainingStepVerifier.SoundnessBits"/> with the gathers).
/// </para>
/// </remarks>
public static class TrainingStepProver
{
    /// <summary>Proves step <paramref name="step"/> of a recorded run.</summary>
    /// <param name="run">The recorded run (holds the dataset salts and the snapshots' Ligero states).</param>
    /// <param name="dataset">The training set the run committed to.</param>
    /// <param name="step">The step, in <c>[0, T)</c>.</param>
    /// <param name="salts">The salt source of the witness commitment and, for a hiding run, of the sumcheck masks (random if null; seeded only in tests).</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is not a recorded step.</exception>
    /// <exception cref="ArgumentException">The dataset is not the one the run committed to.</exception>
    public static TrainingStepProof Prove(TrainingRun run, TrainingDataset dataset, int step, ISaltSource? salts = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(dataset);
        TrainingTranscript training = run.Transcript;
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, training.StepCount);
        if (dataset.Count != training.SampleCount || dataset.InputSize != training.Config.InputSize)
        {
            throw new ArgumentException("The dataset does not match the run.", nameof(dataset));
        }

        var trainer = new FixedPointTrainer(training.Config, dataset, training.ScheduleKey);
        StepTrace trace = trainer.Trace(run.Snapshots[step], training.Batch(step));
        if (!trace.Result.Weights.ContentEquals(run.Snapshots[step + 1]))
        {
            throw new ArgumentException("The dataset is not the one the run was trained on: the step does not reproduce the recorded snapshot.", nameof(dataset));
        }

        return Prove(run, dataset, step, trace, salts);
    }

    /// <summary>Runs the protocol on a prepared trace (tests alter it to play a cheating prover).</summary>
    internal static TrainingStepProof Prove(TrainingRun run, TrainingDataset dataset, int step, StepTrace trace, ISaltSource? salts) =>
        run.Dataset.IsHiding
            ? Prove(run.Transcript, step, trace, run.Snapshots[step], run.Snapshots[step + 1], null, run.WeightStates(step), run.WeightStates(step + 1), salts, run.Dataset.State)
            : Prove(run.Transcript, step, trace, run.Snapshots[step], run.Snapshots[step + 1], BatchOpening.Open(run, dataset, step), run.WeightStates(step), run.WeightStates(step + 1), salts);

    /// <summary>
    /// Runs the protocol on everything a step proof reads: the trace, both snapshots with their Ligero prover states, and the
    /// opened batch (a recorded run has them all; a <see cref="TrainingProofPiece"/> carries them to another machine), or in a hiding
    /// run, instead of the batch, the dataset commitment's prover state (whose evaluations are the dataset's table) and the sample
    /// indices its gathers select (the schedule's; tests pass others to play a cheating prover).
    /// </summary>
    internal static TrainingStepProof Prove(
        TrainingTranscript training,
        int step,
        StepTrace trace,
        FixedPointWeights snapshot,
        FixedPointWeights next,
        BatchOpening? batch,
        LigeroProverState[] beforeStates,
        LigeroProverState[] afterStates,
        ISaltSource? salts,
        LigeroProverState? dataset = null,
        int[]? gatherIndices = null,
        bool revealClaims = false)
    {
        if ((batch is null) != training.HidesSamples || (dataset is null) != (batch is not null))
        {
            throw new ArgumentException("A hiding run's step is proven from its dataset commitment, a plain run's from its opened batch.");
        }

        var circuit = new StepCircuit(training.Config, training.HidesSamples);
        StepWitness witness = StepWitness.Build(circuit, trace, snapshot, next);
        StepZeroKnowledge? zeroKnowledge = training.HidesSamples && !revealClaims ? ZeroKnowledgeLayout(training, circuit) : null;
        Goldilocks[][] segments = zeroKnowledge?.Segments(circuit, witness.Segments, salts) ?? witness.Segments;
        SegmentLayout layout = zeroKnowledge?.Layout ?? circuit.Layout;
        Goldilocks[][] advice = layout.Assemble(segments);
        LigeroProverState state = LigeroProver.Commit(advice[0], training.Parameters, salts);

        Transcript transcript = Begin(training, step, batch, state.Commitment.Root, zeroKnowledge is not null);
        var builder = new ProofBuilder<E>(training.Parameters.Hiding ? new SumcheckMaskPool<E>(training.Parameters, MaskChunkLogSize(training, revealClaims), salts) : null);
        StepRelations.HiddenBatch? hidden = batch is null ? HiddenBatch(training, step, dataset!.Evaluations) with { Indices = gatherIndices ?? training.Batch(step) } : null;
        StepRelations relations = zeroKnowledge is not null ? StepRelations.ForProver(circuit, transcript, hidden!, witness, builder, zeroKnowledge, segments)
            : hidden is not null ? StepRelations.ForProver(circuit, transcript, hidden, witness, builder)
            : StepRelations.ForProver(circuit, transcript, batch!.InputMatrix(circuit.LogWidths[0]), batch.Labels, witness, builder);
        relations.Run();

        LigeroOpeningProof<E>[] adviceOpening = ClaimBatcher.Prove(transcript, builder, layout, advice, [state], relations.Advice);
        LigeroOpeningProof<E>[] before = OpenSnapshot(transcript, builder, training, witness.Before, beforeStates, relations.Before);
        LigeroOpeningProof<E>[] after = OpenSnapshot(transcript, builder, training, witness.After, afterStates, relations.After);
        if (builder.Masks is null)
        {
            return new TrainingStepProof(step, batch, state.Commitment.Root, [.. builder.Sumchecks], [.. builder.Values], adviceOpening, before, after);
        }

        LigeroOpeningProof<E>[]? datasetOpening = dataset is null ? null
            : ClaimBatcher.Prove(transcript, builder, new DatasetPolynomial(training.Config, training.SampleCount).Layout, [dataset.Evaluations], [dataset], relations.Dataset);
        LigeroOpeningProof<E>[] maskOpenings = builder.Masks.Open(transcript);
        if (zeroKnowledge is not null)
        {
            foreach (Goldilocks[] secret in segments.Skip(zeroKnowledge.AdviceSegments).Append(advice[0]))
            {
                Array.Clear(secret);
            }
        }

        return new TrainingStepProof(
            step, batch, state.Commitment.Root, [.. builder.Sumchecks], [.. builder.Values], adviceOpening, before, after, [.. builder.Masks.Chunks], maskOpenings, datasetOpening,
            zeroKnowledge is not null);
    }

    /// <summary>
    /// The batched opening of a snapshot's claims: on the plain polynomials, or for a hiding run on the committed
    /// <see cref="SnapshotMaskLayout"/> polynomials (the claims lifted, the random segments making the opened value uniform).
    /// </summary>
    private static LigeroOpeningProof<E>[] OpenSnapshot(
        Transcript transcript, ProofBuilder<E> builder, TrainingTranscript training, Goldilocks[][] segments, LigeroProverState[] states, IReadOnlyList<SegmentClaim<E>> claims)
    {
        (SegmentLayout layout, List<SegmentClaim<E>> lifted) = WeightCommitment.Batched(training.Config, training.Parameters.Hiding, claims);
        Goldilocks[][] polynomials = training.Parameters.Hiding ? states.Select(s => s.Evaluations).ToArray() : layout.Assemble(segments);
        return ClaimBatcher.Prove(transcript, builder, layout, polynomials, states, lifted);
    }

    /// <summary>The hidden-claims layout of a hiding run's step (<c>TSSP</c> v4, <see cref="StepZeroKnowledge"/>).</summary>
    internal static StepZeroKnowledge ZeroKnowledgeLayout(TrainingTranscript training, StepCircuit circuit) =>
        StepZeroKnowledge.Create(circuit, new DatasetPolynomial(training.Config, training.SampleCount));

    /// <summary>A hiding run's batch of step <paramref name="step"/>: the dataset's layout, the schedule's indices, and the table when proving.</summary>
    internal static StepRelations.HiddenBatch HiddenBatch(TrainingTranscript training, int step, Goldilocks[]? table) =>
        new(new DatasetPolynomial(training.Config, training.SampleCount), training.Batch(step), table);

    /// <summary>
    /// The masking pool's chunk size for a hiding run's step proofs: the relations' masks (counted by walking them), the logUp's
    /// layers and the three batching sumchecks, in one chunk of at most <c>2^16</c> entries.
    /// </summary>
    internal static int MaskChunkLogSize(TrainingTranscript training, bool revealClaims = false)
    {
        var circuit = new StepCircuit(training.Config, training.HidesSamples);
        DatasetPolynomial? dataset = training.HidesSamples ? new DatasetPolynomial(training.Config, training.SampleCount) : null;
        if (dataset is not null && !revealClaims)
        {
            return ZeroKnowledgeChunkLogSize(training, circuit, dataset);
        }

        var relations = StepRelations.ForAccounting(circuit, dataset);
        relations.Run();
        long entries = relations.MaskEntries;
        if (dataset is not null)
        {
            entries += SumcheckMask<E>.Entries(dataset.NumVariables, 2);
        }

        LookupColumnSpec[] specs = circuit.LookupColumns.Select(c => new LookupColumnSpec(circuit.LogSizes[c.Segment], c.Scale)).ToArray();
        for (int k = 0; k <= LogUpLayout.Create(specs, StepCircuit.TableBits).LogSize; k++)
        {
            entries += SumcheckMask<E>.Entries(k, 3);
        }

        foreach (int v in circuit.Layout.NumVariables.Concat(training.WeightVariables).Concat(training.WeightVariables))
        {
            entries += SumcheckMask<E>.Entries(v, 2);
        }

        return SumcheckMaskVerifier<E>.LogSizeFor((int)Math.Min(entries, 1 << SumcheckMaskChunk.MaxLogSize));
    }

    /// <summary>
    /// The chunk size with hidden claims: every zero-check's mask at its round degree (counted by walking them), the zero-knowledge
    /// logUp's committed multiplicities, layer-mask coefficients, degree-4 root and degree-5 layers (as the inference prover sizes them),
    /// and the batching sumchecks of the witness, both snapshots and the dataset.
    /// </summary>
    private static int ZeroKnowledgeChunkLogSize(TrainingTranscript training, StepCircuit circuit, DatasetPolynomial dataset)
    {
        StepZeroKnowledge zeroKnowledge = StepZeroKnowledge.Create(circuit, dataset);
        var relations = StepRelations.ForAccounting(circuit, dataset, zeroKnowledge);
        relations.Run();
        long entries = relations.MaskEntries;
        LookupColumnSpec[] specs = circuit.LookupColumns.Select(c => new LookupColumnSpec(circuit.LogSizes[c.Segment], c.Scale)).ToArray();
        int leaves = LogUpLayout.Create(specs, StepCircuit.TableBits).LogSize;
        entries += (1L << StepCircuit.TableBits) + (2 * (StepCircuit.TableBits + (FractionalSumcheck.LayerMaskCoefficients * (leaves - 1)))) + SumcheckMask<E>.Entries(1, 4);
        for (int j = 1; j < leaves; j++)
        {
            entries += SumcheckMask<E>.Entries(j, 5);
        }

        foreach (int v in zeroKnowledge.Layout.NumVariables.Concat(training.WeightVariables).Concat(training.WeightVariables).Append(dataset.NumVariables))
        {
            entries += SumcheckMask<E>.Entries(v, 2);
        }

        return SumcheckMaskVerifier<E>.LogSizeFor((int)Math.Min(entries, 1 << SumcheckMaskChunk.MaxLogSize));
    }

    /// <summary>
    /// Starts the Fiat–Shamir transcript: training digest, step, both snapshots' roots, the opened batch (a hiding run's: its sample
    /// indices, which the digest and the step fix anyway) and the witness root.
    /// </summary>
    internal static Transcript Begin(TrainingTranscript training, int step, BatchOpening? batch, Digest256 witnessRoot, bool hiddenClaims = false)
    {
        var transcript = new Transcript("thestage.training.step.v1");
        transcript.AbsorbDigest("training", training.Digest);
        transcript.AbsorbUInt64("step", (ulong)step);
        foreach (Digest256 root in training.WeightRootsOf(step).Concat(training.WeightRootsOf(step + 1)))
        {
            transcript.AbsorbDigest("weights", root);
        }

        if (batch is null)
        {
            foreach (int index in training.Batch(step))
            {
                transcript.AbsorbUInt64("sample", (ulong)index);
            }
        }

        for (int b = 0; b < (batch?.Count ?? 0); b++)
        {
            transcript.AbsorbUInt64("label", (ulong)batch!.Labels[b]);
            transcript.Absorb("features", (ReadOnlySpan<Goldilocks>)Array.ConvertAll(batch!.Features[b], v => WeightCommitment.Embed(v)));
        }

        transcript.AbsorbDigest("witness", witnessRoot);
        if (hiddenClaims)
        {
            // TSSP v4: the relations are the zero-checks of StepZeroKnowledge (a v4 proof read under other relations fails its first check).
            transcript.AbsorbUInt64("step/zero-knowledge-claims", 4);
        }

        return transcript;
    }
}
