using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Quantization;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>
/// Verifies <see cref="InferenceProof"/>s against a <see cref="ModelCommitment"/>; returns <see langword="false"/> on
/// any invalid statement or proof and never throws for malformed proof objects.
/// </summary>
/// <remarks>
/// <para>Soundness error, by the union bound over the components (|F| = |<see cref="GoldilocksExt2"/>| ≈ 2^128):</para>
/// <list type="bullet">
/// <item><description>each Ligero opening (one for the witness, one or two for the weights):
/// <c>(1 − δ)^t + n/|F|</c> with <c>δ = 3/8</c>, <c>t = 152</c>: ≤ 2^−101.4 (BCIKS 2020, see <see cref="LigeroParameters"/>);</description></item>
/// <item><description>logUp: <c>(N + 256 + 1.5·L² + 2L)/|F|</c> for <c>N</c> looked-up limbs and <c>2^L</c> leaves (Haböck 2022/1530;
/// see <c>LogUpArgument</c>);</description></item>
/// <item><description>every sumcheck: <c>v·d/|F|</c>; every random-point relation check: <c>v/|F|</c>; every claim batch: <c>k/|F|</c>.</description></item>
/// </list>
/// <para>
/// The Ligero terms dominate: each opening here commits at most <c>2^30</c> entries, so its codeword is at most
/// <c>2^(24+2)</c> and its error at most <c>2^−103.06 + 2^−102 ≈ 2^−101.5</c>, while typical openings (codeword ≤ 2^16) are at
/// <c>2^−103.0</c>. For the 784-128-10 MLP (one witness and two weight openings) the total is
/// <c>3·2^−103.0 + 2^−110 ≈ 2^−101.5</c>; <see cref="SoundnessBits"/> computes the figure for any model and batch. The one-time
/// <see cref="WeightRangeProof"/> is a separate statement with its own logUp and opening terms (about 101.5 bits as well).
/// Fiat–Shamir is applied over the BLAKE2s transcript (<see cref="Transcripts.Transcript"/>).
/// </para>
/// </remarks>
public static class InferenceVerifier
{
    /// <summary>Verifies a single-input proof.</summary>
    /// <param name="commitment">The published model commitment.</param>
    /// <param name="input">The input sample.</param>
    /// <param name="output">The claimed output.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <returns><see langword="true"/> when the proof is accepted.</returns>
    public static bool Verify(ModelCommitment commitment, ReadOnlySpan<int> input, ReadOnlySpan<int> output, InferenceProof? proof) =>
        VerifyBatch(commitment, [input.ToArray()], [output.ToArray()], proof);

    /// <summary>Verifies a batch proof.</summary>
    /// <param name="commitment">The published model commitment.</param>
    /// <param name="inputs">The input samples.</param>
    /// <param name="outputs">The claimed outputs, one per input.</param>
    /// <param name="proof">The proof (may be null).</param>
    /// <returns><see langword="true"/> when the proof is accepted.</returns>
    public static bool VerifyBatch(ModelCommitment commitment, IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs, InferenceProof? proof)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        if (proof is null || inputs is null || outputs is null || !ValidStatement(commitment, inputs, outputs) || !commitment.VerifyWeightRanges())
        {
            return false;
        }

        CircuitPlan plan;
        try
        {
            plan = commitment.Plan(inputs.Count);
        }
        catch (ArgumentException)
        {
            return false; // the batch is too large for the circuit limits, so no proof can exist
        }

        var publicTensors = new Goldilocks[plan.Layers.Length + 1][];
        int last = plan.Source[plan.Layers.Length];
        publicTensors[0] = Pad(plan, 0, inputs);
        publicTensors[last] = Pad(plan, last, outputs);

        var transcript = InferenceTranscript.Begin(commitment, inputs, outputs, proof.AdviceRoot);
        var cursor = new ProofCursor<E>(proof.Sumchecks, proof.ValueArray);
        LogUpClaims<E>? lookup = LogUpArgument.Verify(transcript, cursor, plan.LookupSpecs, CircuitPlan.TableBits);
        if (lookup is null)
        {
            return false;
        }

        List<SegmentClaim<E>> adviceClaims = InferenceProver.LookupClaims(plan, lookup);
        var relations = new VerifierRelations(plan, transcript, cursor, publicTensors);
        if (!relations.VerifyLayers())
        {
            return false;
        }

        adviceClaims.AddRange(relations.AdviceClaims);
        var adviceCommitment = new LigeroCommitment(proof.AdviceRoot, plan.AdviceLayout.NumVariables[0]);
        return ClaimBatcher.Verify(transcript, cursor, plan.AdviceLayout, [adviceCommitment], commitment.Parameters, adviceClaims, [proof.AdviceOpening])
            && ClaimBatcher.Verify(transcript, cursor, plan.WeightLayout, commitment.WeightCommitmentArray, commitment.Parameters, relations.WeightClaims, proof.WeightOpenings)
            && cursor.IsExhausted;
    }

    /// <summary>Computes the soundness of a proof for this model and batch size from the component bounds (see remarks).</summary>
    /// <param name="commitment">The model commitment.</param>
    /// <param name="batch">The batch size.</param>
    /// <returns>The security level in bits.</returns>
    /// <exception cref="ArgumentException">The batch size is out of range for this model.</exception>
    public static double SoundnessBits(ModelCommitment commitment, int batch)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        CircuitPlan plan = commitment.Plan(batch);
        double field = E.Log2Size;
        double epsilon = 0;
        foreach (int v in plan.AdviceLayout.NumVariables.Concat(plan.WeightLayout.NumVariables))
        {
            epsilon += Math.Pow(2.0, -commitment.Parameters.SoundnessBits(v, field));
        }

        long lookups = plan.LookupSpecs.Sum(c => 1L << c.LogSize);
        int leaves = LookupLayoutLog(plan);
        epsilon += Math.Pow(2.0, -LogUpArgument.SoundnessBits(lookups, CircuitPlan.TableBits, leaves, field));

        // Relations: per tensor of v variables at most one random-point identity (v), a matrix-multiplication or product
        // sumcheck (≤ 3v), a gather sumcheck (≤ 2v) and a ReLU sumcheck (3v): ≤ 10v / |F| in total.
        double relationTerms = 0;
        for (int t = 0; t <= plan.Layers.Length; t++)
        {
            relationTerms += 10.0 * plan.Layouts[t].LogSize;
        }

        // Batching, per committed polynomial: k/|F| for k claims plus 2v/|F| for its sumcheck; k is at most
        // 16 · (segments + layers + 1) (lookup columns, limb and remainder claims, bias and weight claims).
        int claimBound = 16 * (plan.AdviceLogSizes.Count + plan.WeightLogSizes.Count + plan.Layers.Length + 1);
        foreach (int v in plan.AdviceLayout.NumVariables.Concat(plan.WeightLayout.NumVariables))
        {
            relationTerms += claimBound + (2.0 * v);
        }

        epsilon += relationTerms / Math.Pow(2.0, field);
        return -Math.Log2(epsilon);
    }

    private static int LookupLayoutLog(CircuitPlan plan) => LogUpLayout.Create(plan.LookupSpecs, CircuitPlan.TableBits).LogSize;

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
