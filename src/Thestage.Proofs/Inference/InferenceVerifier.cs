using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Quantization;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>
/// Verifies <see cref="InferenceProof"/>s against a <see cref="ModelCommitment"/> under a <see cref="VerifierPolicy"/>; returns
/// <see langword="false"/> (the <c>Check</c> methods: a <see cref="ProofVerdict"/> saying why) on any invalid statement or proof
/// and never throws for malformed proof objects.
/// </summary>
/// <remarks>
/// <para>Soundness error, by the union bound over the components (|F| = |<see cref="GoldilocksExt2"/>| ≈ 2^128):</para>
/// <list type="bullet">
/// <item><description>each Ligero opening (one for the witness, one or two for the weights):
/// <c>(1 − δ)^t + n/|F|</c> with <c>δ = (1 − ρ)/2</c>, <c>t</c> column queries, <c>n</c> the codeword length (BCIKS 2020, unique
/// decoding — a proven bound, see <see cref="LigeroParameters"/>): <c>2^−103.07</c> per opening at the default <c>ρ = 1/4</c>, <c>t = 152</c>;</description></item>
/// <item><description>logUp: <c>(N + 256 + 1.5·L² + 2L)/|F|</c> for <c>N</c> looked-up limbs and <c>2^L</c> leaves (Haböck 2022/1530;
/// see <c>LogUpArgument</c>);</description></item>
/// <item><description>every sumcheck: <c>v·d/|F|</c>; every random-point relation check: <c>v/|F|</c>; every claim batch: <c>k/|F|</c>;</description></item>
/// <item><description>a <c>TSIP</c> v3 proof (hiding commitment, <see cref="ZeroKnowledgeLayout"/>): per layer zero-check of <c>V</c>
/// variables and round degree <c>d</c> — 3 per masked factor, so the masked factors' extra <c>2m</c> is in <c>d</c> — <c>(v_z + V·d)/|F|</c>
/// for its random point and sumcheck, and <c>2/|F|</c> for its mask's <c>ρ</c> and <c>α</c>; the witness opening covers the masks; the
/// lookup is the zero-knowledge logUp GKR, <c>(2(N + 256) + 7 + 2.5·L(L − 1) + 5(L − 1))/|F|</c> with its masks' <c>ρ</c>, <c>α</c> and the
/// multiplicities' batching (<c>LogUpArgument.SoundnessBits</c> with <c>zeroKnowledge</c>) in place of the revealing logUp's term and its
/// <c>2/|F|</c> per masked layer;</description></item>
/// <item><description>the model's one-time <see cref="WeightRangeProof"/>, on which every inference proof relies (its own openings,
/// logUp, zero-checks and batching).</description></item>
/// </list>
/// <para>
/// The Ligero terms dominate. For the 784-128-10 MLP, three openings in the inference proof and two in the range proof give
/// <c>5·2^−103.07 + 2^−110 ≈ 2^−100.7</c>; <see cref="SoundnessBits"/> computes the figure for any model and batch, and every
/// verification refuses a commitment whose figure is below <see cref="VerifierPolicy.MinimumSoundnessBits"/> — the commitment's
/// Ligero parameters are its author's choice. Fiat–Shamir is applied over the BLAKE2s transcript (<see cref="Transcripts.Transcript"/>).
/// </para>
/// </remarks>
public static partial class InferenceVerifier
{
    /// <summary>Verifies a single-input proof under <see cref="VerifierPolicy.Default"/>.</summary>
    /// <param name="commitment">The published model commitment.</param>
    /// <param name="input">The input sample.</param>
    /// <param name="output">The claimed output.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <returns><see langword="true"/> when the proof is accepted.</returns>
    public static bool Verify(ModelCommitment commitment, ReadOnlySpan<int> input, ReadOnlySpan<int> output, InferenceProof? proof) =>
        VerifyBatch(commitment, [input.ToArray()], [output.ToArray()], proof, VerifierPolicy.Default);

    /// <summary>Verifies a single-input proof.</summary>
    /// <param name="commitment">The published model commitment.</param>
    /// <param name="input">The input sample.</param>
    /// <param name="output">The claimed output.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns><see langword="true"/> when the proof is accepted.</returns>
    public static bool Verify(ModelCommitment commitment, ReadOnlySpan<int> input, ReadOnlySpan<int> output, InferenceProof? proof, VerifierPolicy policy) =>
        VerifyBatch(commitment, [input.ToArray()], [output.ToArray()], proof, policy);

    /// <summary>Verifies a batch proof under <see cref="VerifierPolicy.Default"/>.</summary>
    /// <param name="commitment">The published model commitment.</param>
    /// <param name="inputs">The input samples.</param>
    /// <param name="outputs">The claimed outputs, one per input.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <returns><see langword="true"/> when the proof is accepted.</returns>
    public static bool VerifyBatch(ModelCommitment commitment, IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs, InferenceProof? proof) =>
        VerifyBatch(commitment, inputs, outputs, proof, VerifierPolicy.Default);

    /// <summary>
    /// Verifies a batch proof, refusing a commitment whose proofs for this batch size are weaker than <paramref name="policy"/>
    /// (<see cref="SoundnessBits"/>) and one whose weight range proof fails (<see cref="ModelCommitment.VerifyWeightRanges"/>).
    /// </summary>
    /// <param name="commitment">The published model commitment.</param>
    /// <param name="inputs">The input samples.</param>
    /// <param name="outputs">The claimed outputs, one per input.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns><see langword="true"/> when the proof is accepted (<see cref="CheckBatch"/> says why not).</returns>
    public static bool VerifyBatch(ModelCommitment commitment, IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs, InferenceProof? proof, VerifierPolicy policy) =>
        CheckBatch(commitment, inputs, outputs, proof, policy).IsAccepted;

    /// <summary>Checks a single-input proof as <see cref="Verify(ModelCommitment, ReadOnlySpan{int}, ReadOnlySpan{int}, InferenceProof?, VerifierPolicy)"/> does, saying why it is rejected.</summary>
    /// <param name="commitment">The published model commitment.</param>
    /// <param name="input">The input sample.</param>
    /// <param name="output">The claimed output.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns>The verdict (see <see cref="CheckBatch"/>).</returns>
    public static ProofVerdict Check(ModelCommitment commitment, ReadOnlySpan<int> input, ReadOnlySpan<int> output, InferenceProof? proof, VerifierPolicy policy) =>
        CheckBatch(commitment, [input.ToArray()], [output.ToArray()], proof, policy);

    /// <summary>
    /// Checks a batch proof as <see cref="VerifyBatch(ModelCommitment, IReadOnlyList{int[]}, IReadOnlyList{int[]}, InferenceProof?, VerifierPolicy)"/>
    /// does, saying why it is rejected: <see cref="RejectionReason.Format"/> (missing proof, missing or extra messages),
    /// <see cref="RejectionReason.Statement"/> (inputs or outputs out of range, batch too large), <see cref="RejectionReason.SoundnessPolicy"/>,
    /// <see cref="RejectionReason.WeightRanges"/>, <see cref="RejectionReason.Lookup"/>, <see cref="RejectionReason.Relation"/> (with
    /// the layer, e.g. <c>"layer 2 (Dense)"</c>) or <see cref="RejectionReason.Opening"/> (<c>"opening of witness"</c> or <c>"opening of weights"</c>).
    /// </summary>
    /// <param name="commitment">The published model commitment.</param>
    /// <param name="inputs">The input samples.</param>
    /// <param name="outputs">The claimed outputs, one per input.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns>The verdict; never throws for a malformed proof.</returns>
    public static ProofVerdict CheckBatch(ModelCommitment commitment, IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs, InferenceProof? proof, VerifierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        ArgumentNullException.ThrowIfNull(policy);
        if (inputs is null || outputs is null || !ValidStatement(commitment, inputs, outputs))
        {
            return ProofVerdict.Reject(RejectionReason.Statement);
        }

        if (proof is null)
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        CircuitPlan plan;
        try
        {
            plan = commitment.Plan(inputs.Count);
        }
        catch (ArgumentException)
        {
            return ProofVerdict.Reject(RejectionReason.Statement); // the batch is too large for the circuit limits, so no proof can exist
        }

        // A masked proof's chunks are at most the size its prover chooses for the plan (which bounds the verifier's work). A hiding
        // commitment whose plan has zero-knowledge relations requires TSIP v3: a v2 proof (revealed claims) is refused, and so is a v3
        // proof anywhere else.
        bool hidesClaims = commitment.Parameters.Hiding && plan.ZeroKnowledge is not null;
        if (proof.IsMasked != commitment.Parameters.Hiding || proof.HasPrivateInput || proof.MaskChunks.Any(c => c.LogSize > InferenceProver.MaskChunkLogSize(plan, null, commitment)))
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        if (proof.HidesClaims != hidesClaims)
        {
            return ProofVerdict.Reject(RejectionReason.Format, hidesClaims ? "a TSIP v2 proof where v3 (hidden claims) is required" : "a TSIP v3 proof for a statement without zero-knowledge relations");
        }

        if (policy.RefusesPlain(commitment.Parameters))
        {
            return ProofVerdict.Reject(RejectionReason.NotZeroKnowledge);
        }

        // A hiding commitment with a budget hides the weight claims of v3 proofs (TSMC v7): a TSMC v6 (budget, no weight masks) would
        // reveal them, and is refused. A v3 proof over v7 reads the mask set its weight openings name, one of [1, B) (set 0 is the range proof's).
        int weightSet = 0;
        if (hidesClaims && commitment.OpeningBudget > 0)
        {
            if (!commitment.HiddenWeights)
            {
                return ProofVerdict.Reject(RejectionReason.Format, "a TSIP v3 proof against a TSMC v6 commitment, whose weight claims it would reveal: commit the model again (v7 hides them)");
            }

            weightSet = commitment.WeightMasks is null ? 0 : proof.WeightOpenings.Count > 0 && proof.WeightOpenings[0].MaskIndex is int set ? set : 0;
            if (commitment.WeightMasks is not null && (weightSet < 1 || weightSet >= commitment.OpeningBudget || proof.WeightOpenings.Any(o => o.MaskIndex != weightSet)))
            {
                return ProofVerdict.Reject(RejectionReason.Format, "weight openings naming no mask set of an inference proof, or different ones");
            }
        }

        if (commitment.OpeningBudget > policy.MaximumOpeningBudget || PlanSoundnessBits(commitment, plan, proof.MaskChunks) < policy.MinimumSoundnessBits)
        {
            return ProofVerdict.Reject(RejectionReason.SoundnessPolicy);
        }

        ProofVerdict ranges = commitment.CheckWeightRanges(policy);
        if (!ranges.IsAccepted)
        {
            return ranges.Within("weight range proof", RejectionReason.WeightRanges);
        }

        var publicTensors = new Goldilocks[plan.Layers.Length + 1][];
        int last = plan.Source[plan.Layers.Length];
        publicTensors[0] = Pad(plan, 0, inputs);
        publicTensors[last] = Pad(plan, last, outputs);
        return ProofVerdict.Of(() =>
        {
            var transcript = InferenceTranscript.Begin(commitment, inputs, outputs, proof.AdviceRoot);
            if (hidesClaims)
            {
                transcript.AbsorbUInt64(InferenceTranscript.ZeroKnowledgeClaims, 3);
            }

            bool hiddenWeights = hidesClaims && commitment.WeightMasks is not null; // as the prover: a model without weights has no masks
            if (hiddenWeights)
            {
                transcript.AbsorbUInt64(InferenceTranscript.WeightMaskSet, (ulong)weightSet);
            }

            SumcheckMaskVerifier<E>? masks = proof.IsMasked ? new SumcheckMaskVerifier<E>(commitment.Parameters, proof.MaskChunks) : null;
            var cursor = new ProofCursor<E>(proof.Sumchecks, proof.ValueArray, masks);
            // TSIP v3 runs only the zero-knowledge logUp (committed multiplicities, masked columns): a revealing lookup is refused there.
            LogUpClaims<E> lookup = hidesClaims
                ? LogUpArgument.Check(transcript, cursor, InferenceProver.MaskedLookupSpecs(plan), CircuitPlan.TableBits, committedMultiplicities: true, zeroKnowledge: true)
                : LogUpArgument.Check(transcript, cursor, plan.LookupSpecs, CircuitPlan.TableBits);
            List<SegmentClaim<E>> adviceClaims = InferenceProver.LookupClaims(plan, lookup, hidesClaims ? plan.ZeroKnowledge : null);
            var relations = LayerRelations.ForVerifier(plan, transcript, cursor, publicTensors, zeroKnowledge: hidesClaims);
            relations.WeightMasks = hiddenWeights ? (commitment.WeightMasks!, weightSet, null) : null;
            relations.Run();
            adviceClaims.AddRange(relations.AdviceClaims);
            SegmentLayout adviceLayout = hidesClaims ? plan.ZeroKnowledge!.Layout : plan.AdviceLayout;
            var adviceCommitment = new LigeroCommitment(proof.AdviceRoot, adviceLayout.NumVariables[0]);
            ClaimBatcher.Verify(transcript, cursor, adviceLayout, [adviceCommitment], commitment.Parameters, adviceClaims, [proof.AdviceOpening], "witness");
            ClaimBatcher.Verify(transcript, cursor, commitment.WeightLayout, commitment.WeightCommitmentArray, commitment.WeightParameters, relations.WeightClaims, proof.WeightOpenings, "weights");
            ProofVerdict.Require(cursor.IsExhausted, RejectionReason.Format, "messages after the openings");
            ProofVerdict.Require(masks is null || masks.Finish(transcript, proof.MaskOpenings), RejectionReason.Opening, "opening of the sumcheck masks");
        });
    }

    /// <summary>
    /// Computes the soundness of accepting a proof for this model and batch size: the inference proof's components and the
    /// model's <see cref="WeightRangeProof"/>, by the union bound (see remarks), under the commitment's Ligero parameters.
    /// </summary>
    /// <param name="commitment">The model commitment.</param>
    /// <param name="batch">The batch size.</param>
    /// <returns>The security level in bits.</returns>
    /// <exception cref="ArgumentException">The batch size is out of range for this model.</exception>
    public static double SoundnessBits(ModelCommitment commitment, int batch)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        CircuitPlan plan = commitment.Plan(batch);
        return PlanSoundnessBits(commitment, plan, commitment.Parameters.Hiding ? [new SumcheckMaskChunk(default, InferenceProver.MaskChunkLogSize(plan, null, commitment))] : []);
    }

    /// <summary>
    /// The union bound of the remarks; for a zero-knowledge proof (a hiding commitment) also every declared masking chunk's
    /// opening (<see cref="LigeroParameters.SoundnessBits"/> at its size) and, per sumcheck, <c>2/|F|</c> for the mask's <c>ρ</c>
    /// and its batched <c>g(r)</c> (<see cref="SumcheckMask{T}"/>): the masks keep each round's degree, so no other term grows.
    /// </summary>
    /// <remarks>
    /// A private-input proof (<paramref name="input"/>) adds the input commitment's opening (under its own parameters), its lookup
    /// columns to the logUp, its padding zero-check (<c>4·v/|F|</c>, degree 3, plus <c>2/|F|</c> masked), and its claim batching
    /// (<c>(k + 2v)/|F|</c>, plus <c>2/|F|</c> masked).
    /// </remarks>
    private static double PlanSoundnessBits(ModelCommitment commitment, CircuitPlan plan, IReadOnlyList<SumcheckMaskChunk> maskChunks, InputCommitment? input = null)
    {
        double field = E.Log2Size;
        double epsilon = commitment.RangeSoundnessError;
        ZeroKnowledgeLayout? zeroKnowledge = commitment.Parameters.Hiding && input is null ? plan.ZeroKnowledge : null;
        SegmentLayout adviceLayout = zeroKnowledge?.Layout ?? plan.AdviceLayout;
        foreach (int v in adviceLayout.NumVariables)
        {
            epsilon += Math.Pow(2.0, -commitment.Parameters.SoundnessBits(v, field));
        }

        SegmentLayout weightLayout = commitment.WeightLayout;
        foreach (int v in weightLayout.NumVariables)
        {
            epsilon += Math.Pow(2.0, -commitment.WeightParameters.SoundnessBits(v, field));
        }

        IReadOnlyList<LookupColumnSpec> specs = InferenceProver.LookupSpecs(plan, input?.Layout);
        long lookups = specs.Sum(c => 1L << c.LogSize);
        int leaves = LogUpLayout.Create(specs, CircuitPlan.TableBits).LogSize;
        epsilon += Math.Pow(2.0, -LogUpArgument.SoundnessBits(lookups, CircuitPlan.TableBits, leaves, field, committedMultiplicities: zeroKnowledge is not null, zeroKnowledge: zeroKnowledge is not null));

        double relationTerms = 0;
        int sumchecks;
        if (zeroKnowledge is not null)
        {
            // TSIP v3: per zero-check of V variables and round degree d (3 per masked factor, 1 per plain one: the masked factors'
            // extra 2m, the weight and bias factors among them over hidden weights), the random point's identity (v_z) and the sumcheck (V·d), and a max pooling gather's window combination
            // (2·window − 1: its identity is a polynomial of that degree in ρ); its mask's ρ and α are counted below.
            foreach (ZeroCheck check in zeroKnowledge.Checks)
            {
                relationTerms += check.PointVariables + ((double)check.NumVariables * check.DegreeWith(commitment.HiddenWeights)) + Math.Max(0, (2 * check.Window) - 1);
            }

            sumchecks = zeroKnowledge.Checks.Length;
        }
        else
        {
            // Relations: per tensor of v variables at most one random-point identity (v), a matrix-multiplication or product
            // sumcheck (≤ 3v), a gather sumcheck (≤ 2v) and a ReLU sumcheck (3v): ≤ 10v / |F| in total.
            // A max pooling adds its zero-check, of degree area + 1: (area + 1)·v more.
            for (int t = 0; t <= plan.Layers.Length; t++)
            {
                relationTerms += 10.0 * plan.Layouts[t].LogSize;
                if (t > 0 && plan.Layers[t - 1].Kind == LayerKind.MaxPool2d)
                {
                    relationTerms += (plan.Layers[t - 1].Window + 1.0) * plan.Layouts[t].LogSize;
                }
            }

            sumchecks = 4 * (plan.Layers.Length + 1);
        }

        // Batching, per committed polynomial: k/|F| for k claims plus 2v/|F| for its sumcheck; k is at most
        // 16 · (segments + layers + 1) (lookup columns, limb and remainder claims, bias and weight claims).
        int claimBound = 16 * (adviceLayout.SegmentCount + plan.WeightLogSizes.Count + plan.Layers.Length + 1);
        foreach (int v in adviceLayout.NumVariables.Concat(weightLayout.NumVariables))
        {
            relationTerms += claimBound + (2.0 * v);
        }

        int extraSumchecks = 0;
        if (input is not null)
        {
            int v = input.Layout.NumVariables;
            epsilon += Math.Pow(2.0, -input.Parameters.SoundnessBits(v, field));
            relationTerms += claimBound + (2.0 * v) + (input.Layout.HasPadding ? 4.0 * input.Layout.Tensor.LogSize : 0);
            extraSumchecks = input.Layout.HasPadding ? 2 : 1;
        }

        if (maskChunks.Count > 0)
        {
            // At most the relations' sumchecks, one per lookup layer (the revealing GKR: the zero-knowledge one counts its masks itself) and one
            // per committed polynomial, each 2/|F|.
            int lookupSumchecks = zeroKnowledge is null ? leaves : 0;
            relationTerms += 2.0 * (sumchecks + lookupSumchecks + adviceLayout.NumVariables.Length + weightLayout.NumVariables.Length + extraSumchecks);
            foreach (SumcheckMaskChunk chunk in maskChunks)
            {
                epsilon += Math.Pow(2.0, -commitment.Parameters.SoundnessBits(Math.Clamp(chunk.LogSize, SumcheckMaskChunk.MinLogSize, SumcheckMaskChunk.MaxLogSize), field));
            }
        }

        epsilon += relationTerms / Math.Pow(2.0, field);
        return -Math.Log2(epsilon);
    }

    private static bool ValidStatement(ModelCommitment commitment, IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs)
    {
        if (inputs.Count is 0 or > 1 << 12 || outputs.Count != inputs.Count)
        {
            return false;
        }

        long inputBound = 1L << (commitment.InputBits - 1);
        for (int b = 0; b < inputs.Count; b++)
        {
            if (inputs[b] is null || outputs[b] is null || inputs[b].Length != commitment.InputShape.Size || outputs[b].Length != commitment.OutputShape.Size
                || inputs[b].Any(v => v < -inputBound || v >= inputBound)
                || outputs[b].Any(v => v is < QuantizedModel.MinActivation or > QuantizedModel.MaxActivation))
            {
                return false;
            }
        }

        return true;
    }

    private static Goldilocks[] Pad(CircuitPlan plan, int tensor, IReadOnlyList<int[]> samples)
    {
        var padded = new Goldilocks[plan.Layouts[tensor].Size];
        for (int b = 0; b < samples.Count; b++)
        {
            InferenceWitness.Scatter(plan.Layouts[tensor], plan.LogBatch, b, Array.ConvertAll(samples[b], v => CircuitPlan.Field(v)), padded);
        }

        return padded;
    }
}
