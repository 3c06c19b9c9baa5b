using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>
/// Proves that a committed fixed-point model maps inputs to outputs under the integer semantics of
/// <see cref="Quantization.QuantizedModel"/> (one proof per batch; the weight openings are shared by all samples).
/// </summary>
/// <remarks>
/// <para>
/// Protocol (commit-and-prove with GKR-style sumcheck reductions; all challenges in <see cref="GoldilocksExt2"/>):
/// the prover commits (Ligero) to a witness polynomial holding, for every requantized tensor, the limbs
/// <c>(l0, l1, e)</c> of <c>x + 2^15</c> (8, 7 and 1 bits; two 8-bit limbs <c>(l0, l1)</c> when no ReLU reads the tensor,
/// which needs the sign bit <c>e</c>), the 8-bit limbs of every requantization remainder, and the logUp
/// multiplicities. After the statement and the witness root are absorbed, (1) one logUp argument
/// (<see cref="LogUpArgument"/>, Haböck 2022/1530) range-checks all limbs against <c>[0, 2^8)</c>, with scaled copies
/// bounding the 7-bit and 1-bit limbs and the top remainder limb (in a <c>TSIP</c> v3 proof the zero-knowledge logUp GKR, its
/// multiplicities committed in the masking pool and every column read through a masked extension: <see cref="ZeroKnowledgeLayout.LookupMasks"/>); (2) layer by layer from the output back to the
/// input, each requantizing layer's identity <c>acc + h = q·2^s + r</c> is checked at a random point and reduced by
/// sumchecks (matrix multiplication after Thaler, CRYPTO 2013, for Dense and the im2col form of Conv2d; gather
/// sumchecks for the im2col and pooling selectors; product sumchecks for Square and for ReLU = <c>x·e</c>) to claims
/// on the public input, the public output, the committed witness and the committed weights; (3) all witness claims
/// and all weight claims are batched (<c>ClaimBatcher</c>) into one opening per committed polynomial. That the
/// committed weights are int8 is shown once per model by <see cref="WeightRangeProof"/>, which the verifier checks
/// (and caches) before accepting any inference proof.
/// </para>
/// <para>
/// Supported architectures: any <see cref="Quantization.QuantizedModel"/> in which ReLU follows a requantizing
/// layer (Dense, Conv2d, AvgPool2d, Square), a MaxPool2d, or a Flatten of one, and Conv2d/AvgPool2d/MaxPool2d inputs are not
/// Flatten outputs. A MaxPool2d output is committed like a requantized one and proven the maximum of its window by a
/// zero-check of the product of the differences to its inputs, each range-checked to 16 bits (see <c>LayerRelations</c>).
/// Soundness is the sum of the component errors listed on <see cref="InferenceVerifier"/>.
/// </para>
/// </remarks>
public static partial class InferenceProver
{
    /// <summary>Runs the model on one input and proves the result.</summary>
    /// <param name="model">The committed model.</param>
    /// <param name="input">One integer sample.</param>
    /// <param name="salts">The salt source of the witness commitment and, over a hiding commitment, of the sumcheck masks (zero-knowledge needs fresh ones for every proof); <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The output and the proof.</returns>
    /// <exception cref="ArgumentException">The input has the wrong length or range.</exception>
    public static (int[] Output, InferenceProof Proof) Prove(CommittedModel model, ReadOnlySpan<int> input, ISaltSource? salts = null)
    {
        (int[][] outputs, InferenceProof proof) = ProveBatch(model, [input.ToArray()], salts);
        return (outputs[0], proof);
    }

    /// <summary>Runs the model on a batch of inputs and proves all results with one proof.</summary>
    /// <param name="model">The committed model.</param>
    /// <param name="inputs">Between 1 and 4096 integer samples.</param>
    /// <param name="salts">The salt source of the witness commitment and, over a hiding commitment, of the sumcheck masks (zero-knowledge needs fresh ones for every proof); <see langword="null"/> uses <see cref="RandomSaltSource"/>.</param>
    /// <returns>The outputs and the proof.</returns>
    /// <exception cref="ArgumentException">An input has the wrong length or range, or the batch size is out of range.</exception>
    /// <exception cref="Commitments.OpeningBudgetExhaustedException">The model's opening budget is used up (<see cref="CommittedModel.ProofsRemaining"/> is 0).</exception>
    public static (int[][] Outputs, InferenceProof Proof) ProveBatch(CommittedModel model, IReadOnlyList<int[]> inputs, ISaltSource? salts = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        if (model.ProofsRemaining <= 0)
        {
            throw new Commitments.OpeningBudgetExhaustedException(model.Commitment.OpeningBudget);
        }
        if (inputs.Count is 0 or > 1 << 12 || inputs.Any(i => i is null))
        {
            throw new ArgumentException("Between 1 and 4096 inputs are required.", nameof(inputs));
        }

        CircuitPlan plan = model.Commitment.Plan(inputs.Count);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, inputs);
        return (witness.Outputs, ProveWithWitness(model, plan, inputs, witness, salts));
    }

    /// <summary>Runs the protocol on a prepared witness (tests tamper with it to play a cheating prover).</summary>
    /// <remarks>
    /// <paramref name="maskSalts"/> feeds the sumcheck masking pool (default: <paramref name="salts"/>); the indistinguishability tests
    /// fix the witness commitment's salts and vary only the masks. <paramref name="revealClaims"/> makes the <c>TSIP</c> v2 proof of a hiding
    /// commitment (masked rounds, revealed claims), which the tests use as the downgrade a verifier must refuse and as the control of the
    /// indistinguishability test. <paramref name="revealLookup"/> makes a <c>TSIP</c> v3 proof whose lookup is the revealing logUp of v2 (the
    /// limbs' plain evaluations, the multiplicities' and the GKR's layer claims), the downgrade a verifier of v3 must refuse; in tests only.
    /// <paramref name="alterDerived"/> is the cheating prover of the attack tests: it changes the derived segments of a v3 proof
    /// (<see cref="ZeroKnowledgeLayout.DerivedTables"/>, e.g. a gathered im2col entry) before they are committed.
    /// </remarks>
    internal static InferenceProof ProveWithWitness(
        CommittedModel model, CircuitPlan plan, IReadOnlyList<int[]> inputs, InferenceWitness witness, ISaltSource? salts, ISaltSource? maskSalts = null, bool revealClaims = false,
        bool revealLookup = false, WeightMaskForgery? forgery = null, Action<Goldilocks[][]>? alterDerived = null)
    {
        if (!model.Commitment.HiddenWeights)
        {
            return ProveWithWitness(model, plan, inputs, witness, salts, maskSalts, revealClaims, revealLookup, null, forgery, alterDerived);
        }

        // The proof reads the weight masks of the set its weight openings will take: one proof at a time per committed model, so
        // that no concurrent proof takes that set in between.
        lock (model.States)
        {
            return ProveWithWitness(model, plan, inputs, witness, salts, maskSalts, revealClaims, revealLookup, model.States[0].OpeningsUsed, forgery, alterDerived);
        }
    }

    /// <summary>
    /// A cheating prover's changes to the hidden weights of a proof (the attack tests): the mask set the relations read instead of the one
    /// the openings take (<paramref name="ReadSet"/>), and the weight tables the batching runs on instead of the committed polynomials,
    /// chosen after the relations' challenges from their weight claims (<paramref name="Tables"/>).
    /// </summary>
    internal sealed record WeightMaskForgery(int? ReadSet = null, Func<IReadOnlyList<SegmentClaim<E>>, Goldilocks[][], Goldilocks[][]>? Tables = null);

    /// <summary>
    /// The protocol; with <paramref name="weightSet"/> (a commitment with hidden weights) a <c>TSIP</c> v3 proof reads that mask set of
    /// <see cref="WeightMaskLayout"/> (absorbed after the statement), which must be the set its weight openings take.
    /// </summary>
    private static InferenceProof ProveWithWitness(
        CommittedModel model, CircuitPlan plan, IReadOnlyList<int[]> inputs, InferenceWitness witness, ISaltSource? salts, ISaltSource? maskSalts, bool revealClaims, bool revealLookup,
        int? weightSet, WeightMaskForgery? forgery, Action<Goldilocks[][]>? alterDerived)
    {
        ModelCommitment commitment = model.Commitment;
        ZeroKnowledgeLayout? zeroKnowledge = commitment.Parameters.Hiding && !revealClaims ? plan.ZeroKnowledge : null;
        bool zeroKnowledgeLookup = zeroKnowledge is not null && !revealLookup;
        WeightMaskLayout? weightMasks = zeroKnowledge is null ? null : commitment.WeightMasks;
        Goldilocks[][]? derived = zeroKnowledge?.DerivedTables(plan, witness.FieldTensors, witness.Advice);
        if (derived is not null)
        {
            alterDerived?.Invoke(derived);
        }

        Goldilocks[][] segments = zeroKnowledge is null ? witness.Advice : WithMasks(zeroKnowledge, [.. witness.Advice, .. derived!], maskSalts ?? salts);
        if (zeroKnowledgeLookup)
        {
            // The multiplicities are committed in the masking pool (LogUpArgument, committed multiplicities): their witness segment stays zero.
            segments[plan.MultiplicitySegment] = new Goldilocks[witness.Advice[plan.MultiplicitySegment].Length];
        }

        Goldilocks[][] advice = (zeroKnowledge?.Layout ?? plan.AdviceLayout).Assemble(segments);
        LigeroProverState adviceState = LigeroProver.Commit(advice[0], commitment.Parameters, salts);

        var transcript = InferenceTranscript.Begin(commitment, inputs, witness.Outputs, adviceState.Commitment.Root);
        if (zeroKnowledge is not null)
        {
            transcript.AbsorbUInt64(InferenceTranscript.ZeroKnowledgeClaims, 3);
        }

        if (weightMasks is not null)
        {
            transcript.AbsorbUInt64(InferenceTranscript.WeightMaskSet, (ulong)weightSet!.Value);
        }

        var builder = new ProofBuilder<E>(commitment.Parameters.Hiding ? new SumcheckMaskPool<E>(commitment.Parameters, MaskChunkLogSize(plan, null, commitment), maskSalts ?? salts) : null);
        var columns = plan.LookupColumns.Select(c => (witness.Advice[c.Segment], c.Scale)).ToList();
        Goldilocks[] multiplicities = witness.Advice[plan.MultiplicitySegment];
        LogUpClaims<E> lookup;
        if (zeroKnowledgeLookup)
        {
            // TSIP v3: the zero-knowledge logUp GKR, each column read through its masked extension (ZeroKnowledgeLayout.LookupMasks).
            Goldilocks[][] columnMasks = LookupColumnMasks(plan, zeroKnowledge!, segments);
            lookup = LogUpArgument.Prove(transcript, builder, columns, multiplicities, CircuitPlan.TableBits, commitMultiplicities: true, columnMasks: columnMasks, zeroKnowledge: true);
            foreach (Goldilocks[] mask in columnMasks)
            {
                Array.Clear(mask);
            }
        }
        else
        {
            lookup = LogUpArgument.Prove(transcript, builder, columns, multiplicities, CircuitPlan.TableBits);
        }

        List<SegmentClaim<E>> adviceClaims = LookupClaims(plan, lookup, zeroKnowledgeLookup ? zeroKnowledge : null);

        Goldilocks[][] weightSegments = plan.WeightLogSizes.Count == 0 ? [[Goldilocks.Zero]] : plan.BuildWeightSegments(model.Model);
        var relations = LayerRelations.ForProver(plan, transcript, builder, witness, weightSegments, zeroKnowledgeSegments: zeroKnowledge is null ? null : segments);
        relations.WeightMasks = weightMasks is null ? null : (weightMasks, forgery?.ReadSet ?? weightSet!.Value, model.Polynomials);
        relations.Run();
        adviceClaims.AddRange(relations.AdviceClaims);

        LigeroOpeningProof<E>[] adviceOpening = ClaimBatcher.Prove(transcript, builder, zeroKnowledge?.Layout ?? plan.AdviceLayout, advice, [adviceState], adviceClaims);
        LigeroOpeningProof<E>[] weightOpenings = ClaimBatcher.Prove(
            transcript, builder, commitment.WeightLayout, forgery?.Tables?.Invoke(relations.WeightClaims, model.Polynomials) ?? model.Polynomials, model.States, relations.WeightClaims);
        if (weightMasks is not null && weightOpenings.Any(o => o.MaskIndex != weightSet))
        {
            throw new InvalidOperationException("The weight openings took another mask set than the one the proof read.");
        }

        if (zeroKnowledge is not null)
        {
            foreach (Goldilocks[] secret in segments.Skip(zeroKnowledge.AdviceSegments).Append(advice[0]))
            {
                Array.Clear(secret);
            }
        }

        if (builder.Masks is null)
        {
            return new InferenceProof(adviceState.Commitment.Root, builder.Sumchecks, builder.Values.ToArray(), adviceOpening[0], weightOpenings);
        }

        LigeroOpeningProof<E>[] maskOpenings = builder.Masks.Open(transcript);
        return new InferenceProof(adviceState.Commitment.Root, builder.Sumchecks, builder.Values.ToArray(), adviceOpening[0], weightOpenings, builder.Masks.Chunks, maskOpenings, zeroKnowledge is not null);
    }

    /// <summary>
    /// The witness segments (the plan's, then the derived ones of <see cref="ZeroKnowledgeLayout.DerivedTables"/>) followed by the masks and the
    /// random segment of <paramref name="layout"/> (<see cref="AppendMasks"/>).
    /// </summary>
    private static Goldilocks[][] WithMasks(ZeroKnowledgeLayout layout, Goldilocks[][] advice, ISaltSource? salts) =>
        AppendMasks(layout.Layout, layout.MaskVariables, [.. advice], salts);

    /// <summary>
    /// Appends to <paramref name="segments"/> (a witness's segments in <paramref name="layout"/>'s order) one mask segment per entry of
    /// <paramref name="maskVariables"/> (<see cref="MaskedExtension.Entries"/> uniform base entries, the rest of its segment zero) and the random
    /// segment (two uniform base entries), drawn fresh from <paramref name="salts"/> (<see cref="RandomSaltSource"/> by default): the layout of
    /// a zero-knowledge witness, inference's (<see cref="ZeroKnowledgeLayout"/>) and a training step's (<c>StepZeroKnowledge</c>).
    /// </summary>
    internal static Goldilocks[][] AppendMasks(SegmentLayout layout, IEnumerable<int> maskVariables, List<Goldilocks[]> segments, ISaltSource? salts)
    {
        var words = new LigeroMasking.SaltWords(salts ?? RandomSaltSource.Instance);
        foreach (int v in maskVariables)
        {
            var mask = new Goldilocks[1 << layout.LogSizeOf(segments.Count)];
            for (int i = 0; i < MaskedExtension.Entries(v); i++)
            {
                mask[i] = Goldilocks.Sample(words);
            }

            segments.Add(mask);
        }

        segments.Add([Goldilocks.Sample(words), Goldilocks.Sample(words)]);
        words.Clear();
        return [.. segments];
    }

    /// <summary>
    /// The size of the masking pool's chunks for a plan: enough for every sumcheck of the proof in one chunk (at most
    /// <c>2^16</c> entries), from the bound of <see cref="InferenceVerifier"/>'s soundness count: per tensor four sumchecks of
    /// degree at most 3 (or a max pooling's window + 1), the lookup's layers, and one batching sumcheck per committed polynomial.
    /// </summary>
    /// <remarks>With zero-knowledge relations (<see cref="CircuitPlan.ZeroKnowledge"/>, public input): each zero-check's mask at its round degree
    /// (with the masked weight factors of <paramref name="commitment"/>'s hidden weights)
    /// and the witness batching's at the layout's size, in place of the four sumchecks per tensor, and the zero-knowledge logUp's committed
    /// multiplicities, mask coefficients and degree-5 layer masks in place of the revealing GKR's degree-3 ones. A private-input proof (<paramref name="input"/>)
    /// adds the input's lookup columns, its padding zero-check (masked, degree 5, over <see cref="CircuitPlan.PrivateInputZeroKnowledge"/>'s relations when the
    /// input commitment has mask sets; degree 3 over the relations of <c>TSIP</c> v2 otherwise, or when <paramref name="revealing"/>) and its batching.</remarks>
    internal static int MaskChunkLogSize(CircuitPlan plan, InputLayout? input = null, ModelCommitment? commitment = null, bool revealing = false)
    {
        long entries = 0;
        ZeroKnowledgeLayout? zeroKnowledge = revealing ? null : input is null ? plan.ZeroKnowledge : input.Masked ? plan.PrivateInputZeroKnowledge : null;
        bool hiddenWeights = commitment is { HiddenWeights: true };
        if (zeroKnowledge is not null)
        {
            foreach (ZeroCheck check in zeroKnowledge.Checks)
            {
                entries += SumcheckMask<E>.Entries(check.NumVariables, check.DegreeWith(hiddenWeights));
            }

            entries += SumcheckMask<E>.Entries(zeroKnowledge.Layout.NumVariables[0], 2);
        }
        else
        {
            for (int t = 0; t <= plan.Layers.Length; t++)
            {
                int degree = t > 0 && plan.Layers[t - 1].Kind == LayerKind.MaxPool2d ? plan.Layers[t - 1].Window + 1 : 3;
                entries += 4L * SumcheckMask<E>.Entries(plan.Layouts[t].LogSize + 1, degree);
            }
        }

        int leaves = LogUpLayout.Create(LookupSpecs(plan, input), CircuitPlan.TableBits).LogSize;
        if (zeroKnowledge is not null)
        {
            // The zero-knowledge logUp GKR: the committed multiplicities, their and the layers' mask coefficients, a root of degree 4 and
            // layers of degree 5.
            entries += (1L << CircuitPlan.TableBits) + (2 * (CircuitPlan.TableBits + (FractionalSumcheck.LayerMaskCoefficients * (leaves - 1)))) + SumcheckMask<E>.Entries(1, 4);
            for (int j = 1; j < leaves; j++)
            {
                entries += SumcheckMask<E>.Entries(j, 5);
            }
        }
        else
        {
            for (int k = 0; k <= leaves; k++)
            {
                entries += SumcheckMask<E>.Entries(k, 3);
            }
        }

        foreach (int v in plan.AdviceLayout.NumVariables.Concat((commitment?.WeightLayout ?? plan.WeightLayout).NumVariables))
        {
            entries += SumcheckMask<E>.Entries(v, 2);
        }

        if (input is not null)
        {
            entries += SumcheckMask<E>.Entries(input.NumVariables, 2) + (input.HasPadding ? SumcheckMask<E>.Entries(input.Tensor.LogSize, zeroKnowledge is null ? 3 : 5) : 0);
        }

        return SumcheckMaskVerifier<E>.LogSizeFor((int)Math.Min(entries, 1 << SumcheckMaskChunk.MaxLogSize));
    }

    /// <summary>The lookup columns of a proof: the plan's limbs, then, for a private input, the input tensor's (<see cref="InputLayout.Columns"/>).</summary>
    internal static IReadOnlyList<LookupColumnSpec> LookupSpecs(CircuitPlan plan, InputLayout? input) =>
        input is null ? plan.LookupSpecs : [.. plan.LookupSpecs, .. input.LookupSpecs()];

    /// <summary>
    /// The witness claims the lookup leaves: per column its leaf claim and the multiplicities' claim (plain, <c>TSIP</c> v1/v2), or, with
    /// <paramref name="zeroKnowledge"/> (<c>TSIP</c> v3), per column its masked claim (<see cref="ZeroKnowledgeLayout.LookupMasks"/>, at
    /// <see cref="LogUpClaims{T}.ColumnMaskPoints"/>) and no multiplicity claim (the pool's opening proves it).
    /// </summary>
    internal static List<SegmentClaim<E>> LookupClaims(CircuitPlan plan, LogUpClaims<E> lookup, ZeroKnowledgeLayout? zeroKnowledge = null)
    {
        var claims = new List<SegmentClaim<E>>();
        for (int j = 0; j < plan.LookupColumns.Count; j++)
        {
            claims.Add(zeroKnowledge is null
                ? new(plan.LookupColumns[j].Segment, lookup.ColumnPoints[j], lookup.ColumnValues[j])
                : new(plan.LookupColumns[j].Segment, lookup.ColumnPoints[j], lookup.ColumnValues[j], zeroKnowledge.LookupMasks[j], lookup.ColumnMaskPoints[j]!));
        }

        if (zeroKnowledge is null)
        {
            claims.Add(new(plan.MultiplicitySegment, lookup.MultiplicityPoint, lookup.MultiplicityValue));
        }

        return claims;
    }

    /// <summary>The lookup specifications of a <c>TSIP</c> v3 proof: the plan's columns, each read through its masked extension.</summary>
    internal static LookupColumnSpec[] MaskedLookupSpecs(CircuitPlan plan) => [.. plan.LookupSpecs.Select(c => c with { Masked = true })];

    /// <summary>Copies of the <see cref="MaskedExtension.Entries"/> base entries of each lookup column's mask segment (the caller clears them).</summary>
    private static Goldilocks[][] LookupColumnMasks(CircuitPlan plan, ZeroKnowledgeLayout zeroKnowledge, Goldilocks[][] segments) =>
        [.. plan.LookupColumns.Select((c, j) => segments[zeroKnowledge.LookupMasks[j]][..MaskedExtension.Entries(plan.AdviceLogSizes[c.Segment])])];
}
