using E = Thestage.Proofs.Fields.GoldilocksExt2;
using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Training;

/// <summary>
/// Chains a training run to inference: proves that a <see cref="ModelCommitment"/> commits to exactly
/// <see cref="Quantize(FixedPointWeights, int, int)"/> of the run's final parameter snapshot, so the model's inference
/// proofs are about the trained model.
/// </summary>
/// <remarks>
/// <para>
/// Statement: for the final snapshot (index <c>T</c> of the <see cref="TrainingTranscript"/>) and every layer <c>l</c>,
/// with the public weight shifts <c>σ_l</c> carried by the proof and the bias shifts <c>τ_l</c> that follow from them and
/// the model's public input format and requantization shifts (<c>ModelLinkLayout</c>): the committed padded int8 matrix
/// is <c>round_σ</c> of the committed padded training matrix entry by entry, the committed biases are
/// <c>round_τ'(2^μ·b)</c> and int32, the model is Dense → ReLU → … → Dense of the training widths with fraction bits
/// chained as <see cref="Quantize(FixedPointWeights, int, int)"/> chains them, and <c>σ_l</c> is the smallest shift
/// (a real weight <c>w</c> with <c>round_(σ−1)(w)</c> outside int8, revealed by a plain proof and proven by a zero-knowledge one). Zero padding maps to zero padding (<c>round_σ(0) = 0</c>). Not
/// proven: that the shifts <c>s_l</c> are the smallest the interval analysis accepts (they are public and make the
/// inference semantics binding either way), and how inference inputs are obtained.
/// </para>
/// <para>
/// Protocol: the prover commits (Ligero, one polynomial) to the byte limbs of the remainders
/// <c>r = w + h_σ − 2^σ·w8 ∈ [0, 2^σ)</c> and <c>r_b = 2^μ·b + h_τ − 2^τ'·b_q ∈ [0, 2^τ')</c> and of
/// <c>b_q + 2^31 ∈ [0, 2^32)</c>; the Fiat–Shamir transcript absorbs the training transcript digest, the final
/// snapshot's roots, the model's architecture digest and roots, the shifts and witnesses, the limb root and the public
/// multiplicities. One logUp (Haböck, eprint 2022/1530; fractional sumcheck, Papini–Haböck, eprint 2023/1284) checks
/// every limb against <c>[0, 2^8)</c> (a top limb of <c>b &lt; 8</c> bits again scaled by <c>2^(8−b)</c>). At random
/// <c>ζ_l</c> (weights) and <c>ξ_l</c> (biases) the verifier checks
/// <c>w̃(ζ) + h_σ = 2^σ·w̃8(ζ) + Σ_k 2^(8k)·r̃_k(ζ)</c>, <c>2^μ·b̃(ξ) + h_τ = 2^τ'·b̃_q(ξ) + Σ_k 2^(8k)·r̃_(b,k)(ξ)</c> and
/// <c>b̃_q(ξ) + 2^31 = Σ_k 2^(8k)·q̃_k(ξ)</c> (the multilinear extension of a constant is that constant, so no mask is
/// needed and padding is covered). All claims are discharged by <c>ClaimBatcher</c>: one opening of the limb
/// polynomial, one per snapshot polynomial (with the witness claims at Boolean points) and one per model weight
/// polynomial, each against its own segment layout.
/// </para>
/// <para>
/// Integer reading: the final snapshot is <c>W</c>-bit (its <see cref="SnapshotRangeProof"/>, which <see cref="Verify(TrainingTranscript, ModelCommitment, ModelLinkProof?, VerifierPolicy)"/>
/// does not check: every <see cref="TrainingProofs"/> carries it and <see cref="TrainingVerifier"/> checks it, in both modes, so
/// the caller must have accepted the run's proofs),
/// <c>w8</c> is int8 (the model's <see cref="WeightRangeProof"/>, which the verifier checks), and the limbs bound
/// <c>r</c>, <c>r_b</c> and <c>b_q</c> (lookup). Schwartz–Zippel makes each identity hold entry by entry over
/// <c>F_p</c>; with <c>σ ≤ W ≤ 31</c> and <c>|τ| ≤ 30</c> both sides are integers of magnitude below <c>2^62 &lt; p/2</c>,
/// so they hold over the integers, and <c>0 ≤ r &lt; 2^σ</c> makes <c>w8 = ⌊(w + h_σ)/2^σ⌋ = round_σ(w)</c> unique
/// (likewise <c>b_q</c>).
/// </para>
/// <para>
/// Soundness (<see cref="SoundnessBits"/>), with <c>|E| ≈ 2^128</c>:
/// <c>ε = Σ_i ((1 − δ)^t + n_i/|E|) + (N + 2^8 + 1.5·L² + 2L)/|E| + Σ_l (v_(w,l) + 2·v_(b,l))/|E| + Σ_p (k_p + 2·v_p)/|E|</c>,
/// summing over the Ligero openings <c>i</c> (limbs, snapshot, model: 3 to 5, <c>n_i</c> the codeword length), the
/// <c>N</c> looked-up limbs in <c>2^L</c> leaves, the identities of each layer (<c>v</c> variables of the padded
/// matrix and bias vector), and each batched polynomial <c>p</c> with <c>k_p</c> claims, plus the error of the model's
/// <see cref="WeightRangeProof"/> (its one or two openings and its logUp, zero-check and batching terms). The query term
/// <c>(5/8)^152 = 2^−103.07</c> dominates: for 784-64-10 the five link openings and the two range-proof openings give about
/// 100.3 bits, before Fiat–Shamir grinding. When the run or the model is hiding, every sumcheck is zero-knowledge (masked from
/// a pool committed with hiding Ligero: <c>2/|E|</c> per sumcheck and <c>MaxChunks · ε_Ligero(weakest chunk size)</c> for the
/// pool's openings) and the multiplicities are committed in the pool (<c>1/|E|</c> for batching their claim), and the minimality
/// of each <c>σ_l &gt; 0</c> is proven instead of shown by a published weight: <c>12·v_(w,l)/|E|</c> per layer (three identities and
/// three degree-3 sumchecks, <c>ModelLinkArgument.Minimality.cs</c>) and four more claims in the limb batching.
/// </para>
/// <para>
/// Hiding: the multiplicities (the histogram of the remainder and bias limbs) are then not published but embedded in the
/// pool before the logUp's challenge, and their claim at the GKR's final point is proven by the pool's opening
/// (<see cref="LogUpArgument"/>, committed multiplicities); and no witness weight is published: the limb polynomial commits
/// the indicator of a witness entry, its side of the int8 bound and the excess beyond it, and sumchecks show that exactly
/// one real weight of the layer has <c>round_(σ−1)(w)</c> outside int8 (<c>ModelLinkArgument.Minimality.cs</c>).
/// </para>
/// <para>
/// Zero-knowledge lookup (a hiding run, <c>TSML</c> v5): the limb polynomial, committed with the run's hiding parameters, also holds a
/// mask per lookup column and a random segment (<see cref="ModelLinkLayout"/>), and the logUp is the zero-knowledge GKR
/// (<see cref="FractionalSumcheck.ProveZeroKnowledge{T}"/>) over the columns' masked extensions, whose limb claims are batched as masked
/// claims: no layer claim, root or leaf claim is revealed, and its error is <c>LogUpArgument.SoundnessBits(…, zeroKnowledge: true)</c>.
/// The identity values at <c>ζ_l</c>, <c>ξ_l</c> and the minimality sumchecks' claims are still plain. A plain run's link to a hiding
/// model keeps the revealing lookup (<c>TSML</c> v4), which the verifier of a hiding run refuses.
/// </para>
/// </remarks>
public static partial class ModelLinkArgument
{
    private const int TableBits = ModelLinkLayout.TableBits;
    private const string Protocol = "thestage.training.model-link.v1";
    private const string ZeroKnowledgeProtocol = "thestage.training.model-link.v4-zero-knowledge";
    private const string ZeroKnowledgeLookupProtocol = "thestage.training.model-link.v5-zero-knowledge-logup";

    /// <summary>Proves that <paramref name="model"/> is <see cref="Quantize(FixedPointWeights, int, int)"/> of the run's final snapshot.</summary>
    /// <param name="run">The recorded run.</param>
    /// <param name="model">The committed model; it must equal <see cref="Quantize(FixedPointWeights, int, int)"/> of the final snapshot with its own input format.</param>
    /// <param name="salts">The salt source of the limb commitment and, for a hiding run or model, of the sumcheck masks (random if null; seeded only in tests).</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ArgumentException">The model is not that quantization (or none exists for its input format).</exception>
    public static ModelLinkProof Prove(TrainingRun run, CommittedModel model, ISaltSource? salts = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(model);
        int final = run.Transcript.StepCount;
        FixedPointWeights snapshot = run.Snapshots[final];
        QuantizedModel expected = Quantize(snapshot, model.Model.InputBits, model.Model.InputFractionBits);
        if (!SameModel(expected, model.Model))
        {
            throw new ArgumentException("The model is not the quantization of the run's final snapshot for its input format.", nameof(model));
        }

        return Prove(run.Transcript, snapshot, run.WeightStates(final), model, WeightShifts(snapshot), salts);
    }

    /// <summary>Verifies a link proof under <see cref="VerifierPolicy.Default"/> (see <see cref="Verify(TrainingTranscript, ModelCommitment, ModelLinkProof?, VerifierPolicy)"/>).</summary>
    /// <param name="training">The training transcript.</param>
    /// <param name="model">The model commitment (its weight range proof is checked and cached).</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <returns><see langword="true"/> if accepted; never throws on a malformed proof.</returns>
    public static bool Verify(TrainingTranscript training, ModelCommitment model, ModelLinkProof? proof) => Verify(training, model, proof, VerifierPolicy.Default);

    /// <summary>
    /// Verifies a link proof between a training transcript's final snapshot and a model commitment, refusing statements whose
    /// link is weaker than <paramref name="policy"/> (<see cref="SoundnessBits"/>; both the transcript's and the model's Ligero
    /// parameters count). The caller must also have accepted the run's proofs (<see cref="TrainingVerifier.Verify(TrainingTranscript, TrainingProofs?, VerifierPolicy)"/>):
    /// they carry the final snapshot's <see cref="SnapshotRangeProof"/>, without which the link's identities are only field
    /// identities (this method does not check it).
    /// </summary>
    /// <param name="training">The training transcript.</param>
    /// <param name="model">The model commitment (its weight range proof is checked and cached).</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns><see langword="true"/> if accepted; never throws on a malformed proof.</returns>
    public static bool Verify(TrainingTranscript training, ModelCommitment model, ModelLinkProof? proof, VerifierPolicy policy) =>
        Check(training, model, proof, policy).IsAccepted;

    /// <summary>
    /// Checks a link proof as <see cref="Verify(TrainingTranscript, ModelCommitment, ModelLinkProof?, VerifierPolicy)"/> does, saying
    /// why it is rejected: <see cref="RejectionReason.Format"/>, <see cref="RejectionReason.Statement"/> (a model whose architecture,
    /// fraction bits or segments do not fit the training configuration under the proof's weight shifts),
    /// <see cref="RejectionReason.SoundnessPolicy"/>, <see cref="RejectionReason.Relation"/> (<c>"shift witnesses"</c>: a weight shift not
    /// shown minimal; <c>"weight rounding, layer l"</c>, <c>"bias rounding, layer l"</c>), <see cref="RejectionReason.WeightRanges"/>, <see cref="RejectionReason.Lookup"/> or
    /// <see cref="RejectionReason.Opening"/> (<c>"opening of limbs"</c>, <c>"opening of final snapshot"</c>, <c>"opening of model weights"</c>).
    /// </summary>
    /// <param name="training">The training transcript.</param>
    /// <param name="model">The model commitment (its weight range proof is checked and cached).</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns>The verdict; never throws on a malformed proof.</returns>
    public static ProofVerdict Check(TrainingTranscript training, ModelCommitment model, ModelLinkProof? proof, VerifierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(policy);
        int layers = training.Config.LayerCount;

        // Published multiplicities and witnesses exactly for plain proofs: a masked proof commits them (one publishing them is refused).
        LigeroParameters? maskParameters = MaskParameters(training, model);
        bool committed = maskParameters is not null;
        int witnesses = committed ? 0 : layers;
        if (proof is null || proof.WeightShiftArray is null || proof.WeightShiftArray.Length != layers
            || proof.WitnessIndexArray is null || proof.WitnessIndexArray.Length != witnesses || proof.WitnessValueArray is null
            || proof.WitnessValueArray.Length != witnesses || proof.MultiplicityArray is null || proof.MultiplicityArray.Length != (committed ? 0 : 1 << TableBits)
            || proof.SumcheckArray is null || proof.SumcheckArray.Any(s => s is null) || proof.ValueArray is null
            || !ValidOpenings(proof.RemainderOpeningArray) || !ValidOpenings(proof.TrainingOpeningArray) || !ValidOpenings(proof.ModelOpeningArray))
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        Setup? setup = Setup.TryCreate(training.Config, model, proof.WeightShiftArray, provenWitnesses: committed, zeroKnowledgeLookup: training.Parameters.Hiding);
        if (setup is null)
        {
            return ProofVerdict.Reject(RejectionReason.Statement);
        }

        // The zero-knowledge lookup exactly for hiding runs: a hiding run's link with the revealing lookup (TSML v4) is a downgrade.
        if (proof.ZeroKnowledgeLookup != setup.Layout.ZeroKnowledgeLookup)
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        if (policy.RefusesPlain(training.Parameters) || policy.RefusesPlain(model.Parameters))
        {
            return ProofVerdict.Reject(RejectionReason.NotZeroKnowledge);
        }

        if (model.OpeningBudget > policy.MaximumOpeningBudget || SetupSoundnessBits(training, model, setup) < policy.MinimumSoundnessBits)
        {
            return ProofVerdict.Reject(RejectionReason.SoundnessPolicy);
        }

        if (!committed && !WitnessesValid(training.Config, setup.Layout, proof))
        {
            return ProofVerdict.Reject(RejectionReason.Relation, "shift witnesses");
        }

        ProofVerdict ranges = model.CheckWeightRanges(policy);
        if (!ranges.IsAccepted)
        {
            return ranges.Within("weight range proof", RejectionReason.WeightRanges);
        }

        // Masks exactly when the run or the model is hiding, in chunks at most the size its prover chooses (bounding the work).
        if (proof.IsMasked != maskParameters is not null || proof.MaskChunks.Any(c => c.LogSize > MaskChunkLogSize(training, setup)))
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        return ProofVerdict.Of(() =>
        {
            ModelLinkLayout layout = setup.Layout;
            var limbCommitment = new LigeroCommitment(proof.RemainderRoot, layout.Layout.NumVariables[0]);
            Transcript transcript = Begin(
                training, model, proof.WeightShiftArray, proof.WitnessIndexArray, proof.WitnessValueArray, limbCommitment, committed ? null : proof.MultiplicityArray,
                layout.ZeroKnowledgeLookup);
            SumcheckMaskVerifier<E>? masks = maskParameters is null ? null : new SumcheckMaskVerifier<E>(maskParameters, proof.MaskChunks);
            var cursor = new ProofCursor<E>(proof.SumcheckArray, proof.ValueArray, masks);
            LogUpClaims<E> lookup = LogUpArgument.Check(transcript, cursor, Specs(layout), TableBits, committedMultiplicities: committed, zeroKnowledge: layout.ZeroKnowledgeLookup);
            ProofVerdict.Require(
                committed || MatrixMultiplicationSumcheck.EvaluateMatrix(proof.MultiplicityArray, (ReadOnlySpan<E>)lookup.MultiplicityPoint) == lookup.MultiplicityValue,
                RejectionReason.Lookup,
                "lookup multiplicities");
            (E[][] zeta, E[][] xi) = Points(transcript, layout);
            int count = Enumerable.Range(0, layers).Sum(layout.ValuesOf);
            ProofVerdict.Require(cursor.TryReceive(transcript, "link/evaluations", count, out E[] values), RejectionReason.Format, "link evaluations");
            CheckIdentities(training.Config, layout, values);
            (List<SegmentClaim<E>> limbClaims, List<SegmentClaim<E>> trainingClaims, List<SegmentClaim<E>> modelClaims) =
                Claims(setup, lookup, zeta, xi, values, proof.WeightShiftArray, proof.WitnessIndexArray, proof.WitnessValueArray);
            CheckMinimality(transcript, cursor, layout, limbClaims, trainingClaims);
            ClaimBatcher.Verify(transcript, cursor, layout.Layout, [limbCommitment], training.Parameters, limbClaims, proof.RemainderOpeningArray, "limbs");
            (SegmentLayout trainingLayout, List<SegmentClaim<E>> snapshotClaims) = WeightCommitment.Batched(training.Config, training.Parameters.Hiding, trainingClaims);
            ClaimBatcher.Verify(
                transcript, cursor, trainingLayout, training.WeightCommitmentsAt(training.StepCount), training.Parameters, snapshotClaims, proof.TrainingOpeningArray, "final snapshot");
            ClaimBatcher.Verify(transcript, cursor, setup.WeightLayout, model.WeightCommitmentArray, model.WeightParameters, modelClaims, proof.ModelOpeningArray, "model weights");
            ProofVerdict.Require(cursor.IsExhausted, RejectionReason.Format, "messages after the openings");
            ProofVerdict.Require(masks is null || masks.Finish(transcript, proof.MaskOpenings), RejectionReason.Opening, "opening of the sumcheck masks");
        });
    }

    /// <summary>Computes the soundness of a link proof from the component bounds in the remarks, with the model's weight range proof (on which the link relies).</summary>
    /// <param name="training">The training transcript.</param>
    /// <param name="model">The model commitment.</param>
    /// <param name="proof">The proof (its weight shifts fix the limb layout).</param>
    /// <returns><c>−log2 ε</c>.</returns>
    /// <exception cref="ArgumentException">The proof's shifts or the model's architecture do not fit the training configuration.</exception>
    public static double SoundnessBits(TrainingTranscript training, ModelCommitment model, ModelLinkProof proof)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(proof);
        Setup setup = Setup.TryCreate(training.Config, model, proof.WeightShiftArray, provenWitnesses: MaskParameters(training, model) is not null, zeroKnowledgeLookup: training.Parameters.Hiding)
            ?? throw new ArgumentException("The proof's shifts or the model's architecture do not fit the training configuration.", nameof(proof));
        return SetupSoundnessBits(training, model, setup);
    }

    private static double SetupSoundnessBits(TrainingTranscript training, ModelCommitment model, Setup setup)
    {
        ModelLinkLayout layout = setup.Layout;
        double field = E.Log2Size;
        IReadOnlyList<int> trainingVariables = training.WeightVariables;
        double epsilon = WeightRangeArgument.SoundnessError(setup.Plan, setup.WeightLayout, model.Parameters, model.WeightParameters);
        foreach (int v in layout.Layout.NumVariables.Concat(trainingVariables))
        {
            epsilon += Math.Pow(2.0, -training.Parameters.SoundnessBits(v, field));
        }

        foreach (int v in setup.WeightLayout.NumVariables)
        {
            epsilon += Math.Pow(2.0, -model.WeightParameters.SoundnessBits(v, field));
        }

        LookupColumnSpec[] specs = Specs(layout);
        long lookups = specs.Sum(c => 1L << c.LogSize);
        epsilon += Math.Pow(
            2.0, -LogUpArgument.SoundnessBits(
                lookups, TableBits, LogUpLayout.Create(specs, TableBits).LogSize, field, committedMultiplicities: MaskParameters(training, model) is not null, zeroKnowledge: layout.ZeroKnowledgeLookup));
        int layers = training.Config.LayerCount;
        double terms = Enumerable.Range(0, layers).Sum(l => layout.WeightLogSizes[l] + (2.0 * layout.BiasLogSizes[l]));
        int[] proven = Enumerable.Range(0, layers).Where(l => layout.Indicators[l] >= 0).ToArray();
        int limbClaims = layout.Columns.Length + layout.Layout.SegmentCount + (4 * proven.Length);
        terms += layout.Layout.NumVariables.Sum(v => limbClaims + (2.0 * v));

        // Proven minimality: three identities at r (Schwartz–Zippel, v each) and three degree-3 sumchecks (3v each) per layer.
        terms += proven.Sum(l => 12.0 * layout.WeightLogSizes[l]);
        terms += trainingVariables.Sum(v => (3 * layers) + (2.0 * v));
        terms += setup.WeightLayout.NumVariables.Sum(v => (2 * layers) + (2.0 * v));
        if (MaskParameters(training, model) is { } maskParameters)
        {
            // Zero-knowledge sumchecks: 2/|F| each (ρ and the batched g(r)) and the pool's chunk openings (at most MaxChunks).
            // The zero-knowledge lookup counts its own sumchecks' masks.
            terms += 2.0 * ((layout.ZeroKnowledgeLookup ? 0 : LogUpLayout.Create(specs, TableBits).LogSize + 1) + layout.Layout.NumVariables.Length + trainingVariables.Count
                + setup.WeightLayout.NumVariables.Length + (3 * proven.Length));
            double weakest = Enumerable.Range(SumcheckMaskChunk.MinLogSize, MaskChunkLogSize(training, setup) - SumcheckMaskChunk.MinLogSize + 1)
                .Min(v => maskParameters.SoundnessBits(v, field));
            epsilon += SumcheckMaskChunk.MaxChunks * Math.Pow(2.0, -weakest);
        }

        epsilon += terms / Math.Pow(2.0, field);
        return -Math.Log2(epsilon);
    }

    /// <summary>
    /// Proves for an explicit snapshot, its Ligero states and shifts without checking the model against them (the honest
    /// prover after <see cref="Prove(TrainingRun, CommittedModel, ISaltSource?)"/>'s check, or a cheating one in tests);
    /// <paramref name="forgeLimbs"/> may rewrite the limb segments before they are committed, and <paramref name="revealLookup"/> makes a
    /// hiding run's link with the revealing lookup of <c>TSML</c> v4 (cheating provers, in tests only).
    /// </summary>
    internal static ModelLinkProof Prove(
        TrainingTranscript training,
        FixedPointWeights snapshot,
        LigeroProverState[] trainingStates,
        CommittedModel model,
        int[] sigma,
        ISaltSource? salts,
        Action<ModelLinkLayout, Goldilocks[][]>? forgeLimbs = null,
        bool revealLookup = false)
    {
        TrainingConfig config = training.Config;
        LigeroParameters? maskParameters = MaskParameters(training, model.Commitment);
        bool committed = maskParameters is not null;
        Setup setup = Setup.TryCreate(config, model.Commitment, sigma, provenWitnesses: committed, zeroKnowledgeLookup: training.Parameters.Hiding && !revealLookup)
            ?? throw new ArgumentException("The model's architecture does not fit the training configuration and weight shifts.", nameof(model));
        ModelLinkLayout layout = setup.Layout;
        Goldilocks[][] trainingSegments = WeightCommitment.Segments(snapshot);
        Goldilocks[][] modelSegments = setup.Plan.BuildWeightSegments(model.Model);
        (int[] indices, int[] witnessValues) = Witnesses(snapshot, sigma);
        Goldilocks[][] limbs = Limbs(layout, setup, trainingSegments, modelSegments);
        if (committed)
        {
            // Zero-knowledge proofs commit the witnesses (indicator, side, excess) instead of publishing them.
            MinimalityLimbs(layout, indices, witnessValues, limbs);
            (indices, witnessValues) = ([], []);
        }

        forgeLimbs?.Invoke(layout, limbs);
        Goldilocks[]?[]? columnMasks = layout.ZeroKnowledgeLookup ? ColumnMasks(layout, limbs, salts) : null;

        Goldilocks[] limbPolynomial = layout.Layout.Assemble(limbs)[0];
        LigeroProverState limbState = LigeroProver.Commit(limbPolynomial, training.Parameters, salts);
        var columns = layout.Columns.Select(c => (limbs[c.Segment], c.Scale)).ToList();
        Goldilocks[] multiplicities = LogUpArgument.Multiplicities(columns, TableBits);
        Transcript transcript = Begin(training, model.Commitment, sigma, indices, witnessValues, limbState.Commitment, committed ? null : multiplicities, layout.ZeroKnowledgeLookup);
        var builder = new ProofBuilder<E>(maskParameters is null ? null : new SumcheckMaskPool<E>(maskParameters, MaskChunkLogSize(training, setup), salts));
        LogUpClaims<E> lookup = LogUpArgument.Prove(
            transcript, builder, columns, multiplicities, TableBits, commitMultiplicities: committed, columnMasks: columnMasks, zeroKnowledge: layout.ZeroKnowledgeLookup);

        (E[][] zeta, E[][] xi) = Points(transcript, layout);
        var values = new List<E>();
        for (int l = 0; l < config.LayerCount; l++)
        {
            values.Add(Evaluate(trainingSegments[2 * l], zeta[l]));
            values.Add(Evaluate(modelSegments[setup.ModelSegments[l].Weights], zeta[l]));
            values.AddRange(layout.WeightRemainders[l].Select(s => Evaluate(limbs[s], zeta[l])));
            values.Add(Evaluate(trainingSegments[(2 * l) + 1], xi[l]));
            values.Add(Evaluate(modelSegments[setup.ModelSegments[l].Bias], xi[l]));
            values.AddRange(layout.BiasRemainders[l].Concat(layout.BiasQuotients[l]).Select(s => Evaluate(limbs[s], xi[l])));
        }

        E[] messages = [.. values];
        builder.Send(transcript, "link/evaluations", messages);
        (List<SegmentClaim<E>> limbClaims, List<SegmentClaim<E>> trainingClaims, List<SegmentClaim<E>> modelClaims) =
            Claims(setup, lookup, zeta, xi, messages, sigma, indices, witnessValues);
        ProveMinimality(transcript, builder, layout, limbs, trainingSegments, limbClaims, trainingClaims);
        LigeroOpeningProof<E>[] limbOpenings = ClaimBatcher.Prove(transcript, builder, layout.Layout, [limbPolynomial], [limbState], limbClaims);
        (SegmentLayout trainingLayout, List<SegmentClaim<E>> snapshotClaims) = WeightCommitment.Batched(config, training.Parameters.Hiding, trainingClaims);
        Goldilocks[][] trainingPolynomials = training.Parameters.Hiding ? trainingStates.Select(s => s.Evaluations).ToArray() : trainingLayout.Assemble(trainingSegments);
        LigeroOpeningProof<E>[] trainingOpenings = ClaimBatcher.Prove(transcript, builder, trainingLayout, trainingPolynomials, trainingStates, snapshotClaims);
        LigeroOpeningProof<E>[] modelOpenings = ClaimBatcher.Prove(transcript, builder, setup.WeightLayout, model.Polynomials, model.States, modelClaims);
        if (builder.Masks is null)
        {
            return new ModelLinkProof(
                [.. sigma], indices, witnessValues, limbState.Commitment.Root, multiplicities, [.. builder.Sumchecks], [.. builder.Values],
                limbOpenings, trainingOpenings, modelOpenings);
        }

        Array.Clear(multiplicities);
        foreach (Goldilocks[] secret in limbs.Concat(columnMasks?.Select(m => m ?? []) ?? []))
        {
            Array.Clear(secret);
        }

        Array.Clear(limbPolynomial);
        return new ModelLinkProof(
            [.. sigma], indices, witnessValues, limbState.Commitment.Root, [], [.. builder.Sumchecks], [.. builder.Values],
            limbOpenings, trainingOpenings, modelOpenings, [.. builder.Masks.Chunks], builder.Masks.Open(transcript), layout.ZeroKnowledgeLookup);
    }

    /// <summary>The lookup columns' specifications (masked where the layout gives a column a mask).</summary>
    private static LookupColumnSpec[] Specs(ModelLinkLayout layout) =>
        layout.Columns.Select((c, j) => new LookupColumnSpec(layout.Layout.LogSizeOf(c.Segment), c.Scale, 0, layout.ColumnMasks[j] >= 0)).ToArray();

    /// <summary>
    /// Fills the zero-knowledge lookup's segments of <paramref name="limbs"/> — each column's mask (<see cref="MaskedExtension.Entries"/> uniform
    /// base entries, the rest zero) and the random segment (two) — from <paramref name="salts"/> (<see cref="RandomSaltSource"/> when null), and
    /// returns each column's coefficients (a copy), or null for a plain column.
    /// </summary>
    private static Goldilocks[]?[] ColumnMasks(ModelLinkLayout layout, Goldilocks[][] limbs, ISaltSource? salts)
    {
        var words = new LigeroMasking.SaltWords(salts ?? RandomSaltSource.Instance);
        var masks = new Goldilocks[]?[layout.Columns.Length];
        for (int j = 0; j < masks.Length; j++)
        {
            int segment = layout.ColumnMasks[j];
            if (segment < 0)
            {
                continue;
            }

            limbs[segment] = new Goldilocks[1 << layout.Layout.LogSizeOf(segment)];
            masks[j] = new Goldilocks[MaskedExtension.Entries(layout.Layout.LogSizeOf(layout.Columns[j].Segment))];
            for (int e = 0; e < masks[j]!.Length; e++)
            {
                limbs[segment][e] = masks[j]![e] = Goldilocks.Sample(words);
            }
        }

        limbs[layout.RandomSegment] = [Goldilocks.Sample(words), Goldilocks.Sample(words)];
        words.Clear();
        return masks;
    }

    /// <summary>The parameters of the sumcheck masking pool: the run's when it is hiding, else the model's when it is, else none (plain sumchecks).</summary>
    private static LigeroParameters? MaskParameters(TrainingTranscript training, ModelCommitment model) =>
        training.Parameters.Hiding ? training.Parameters : model.Parameters.Hiding ? model.Parameters : null;

    /// <summary>The pool's chunk size: the committed multiplicities, the logUp's layers (the zero-knowledge GKR's masks and layers for a hiding run), the minimality sumchecks and the three batchings.</summary>
    private static int MaskChunkLogSize(TrainingTranscript training, Setup setup)
    {
        ModelLinkLayout layout = setup.Layout;
        int leafVariables = LogUpLayout.Create(Specs(layout), TableBits).LogSize;
        long entries = 1 << TableBits;
        if (layout.ZeroKnowledgeLookup)
        {
            // The zero-knowledge GKR: the multiplicities' and the layers' mask coefficients, a root of degree 4 and layers of degree 5.
            entries += (2 * (TableBits + (FractionalSumcheck.LayerMaskCoefficients * (leafVariables - 1)))) + SumcheckMask<E>.Entries(1, 4);
            for (int j = 1; j < leafVariables; j++)
            {
                entries += SumcheckMask<E>.Entries(j, 5);
            }
        }
        else
        {
            for (int k = 0; k <= leafVariables; k++)
            {
                entries += SumcheckMask<E>.Entries(k, 3);
            }
        }

        foreach (int v in layout.Layout.NumVariables.Concat(training.WeightVariables).Concat(setup.WeightLayout.NumVariables))
        {
            entries += SumcheckMask<E>.Entries(v, 2);
        }

        for (int l = 0; l < layout.Sigma.Length; l++)
        {
            entries += layout.Indicators[l] >= 0 ? 3 * SumcheckMask<E>.Entries(layout.WeightLogSizes[l], 3) : 0;
        }

        return SumcheckMaskVerifier<E>.LogSizeFor((int)Math.Min(entries, 1 << SumcheckMaskChunk.MaxLogSize));
    }

    private static bool ValidOpenings(LigeroOpeningProof<E>[]? openings) => openings is { Length: 1 or 2 } && openings.All(o => o is not null);

    private static E Evaluate(Goldilocks[] table, E[] point) => MatrixMultiplicationSumcheck.EvaluateMatrix<E>(table, point);

    private static bool SameModel(QuantizedModel a, QuantizedModel b) =>
        a.InputShape == b.InputShape && a.InputBits == b.InputBits && a.InputFractionBits == b.InputFractionBits
        && a.OutputFractionBits == b.OutputFractionBits && a.Layers.Count == b.Layers.Count
        && a.Layers.Zip(b.Layers).All(p => CircuitLayer.From(p.First) == CircuitLayer.From(p.Second)
            && p.First.Weights.SequenceEqual(p.Second.Weights) && p.First.Bias.SequenceEqual(p.Second.Bias));

    private static (E[][] Zeta, E[][] Xi) Points(Transcript transcript, ModelLinkLayout layout)
    {
        E[][] zeta = layout.WeightLogSizes.Select(v => transcript.Challenges<E>("link/zeta", v)).ToArray();
        E[][] xi = layout.BiasLogSizes.Select(v => transcript.Challenges<E>("link/xi", v)).ToArray();
        return (zeta, xi);
    }

    private static Transcript Begin(
        TrainingTranscript training, ModelCommitment model, int[] sigma, int[] indices, int[] witnessValues, LigeroCommitment limbs, Goldilocks[]? multiplicities,
        bool zeroKnowledgeLookup)
    {
        // Plain proofs absorb the published multiplicities and witnesses; zero-knowledge ones (null, no witnesses) commit them, under their own
        // protocol label, and another for the zero-knowledge lookup.
        var transcript = new Transcript(zeroKnowledgeLookup ? ZeroKnowledgeLookupProtocol : multiplicities is null ? ZeroKnowledgeProtocol : Protocol);
        transcript.AbsorbDigest("training", training.Digest);
        transcript.AbsorbUInt64("training/snapshot", (ulong)training.StepCount);
        foreach (Digest256 root in training.WeightRootsOf(training.StepCount))
        {
            transcript.AbsorbDigest("training/weights-root", root);
        }

        transcript.AbsorbDigest("model/architecture", model.ArchitectureDigest);
        foreach (LigeroCommitment weights in model.WeightCommitmentArray)
        {
            transcript.AbsorbDigest("model/weights-root", weights.Root);
            transcript.AbsorbUInt64("model/weights-variables", (ulong)weights.NumVariables);
        }

        for (int l = 0; l < sigma.Length; l++)
        {
            transcript.AbsorbUInt64("link/sigma", (ulong)sigma[l]);
            if (indices.Length > 0)
            {
                transcript.AbsorbUInt64("link/witness-index", (ulong)indices[l]);
                transcript.AbsorbUInt64("link/witness-value", (ulong)(long)witnessValues[l]);
            }
        }

        transcript.AbsorbDigest("link/limbs", limbs.Root);
        transcript.AbsorbUInt64("link/limb-variables", (ulong)limbs.NumVariables);
        if (multiplicities is not null)
        {
            transcript.Absorb<Goldilocks>("link/multiplicities", multiplicities);
        }

        return transcript;
    }
}
