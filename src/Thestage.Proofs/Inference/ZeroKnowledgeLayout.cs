using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>What a zero-check's table is: where its values come from, and which of the zero-check's variables it depends on.</summary>
internal enum ZeroCheckSource
{
    /// <summary><c>eq(z, ·)</c> of the relation's random point, public.</summary>
    Eq,

    /// <summary>A weight or bias segment (<see cref="ZeroCheckFactor.Index"/> in the weight layout): plain, its claim revealed, or masked over hidden weights (<see cref="WeightMaskLayout"/>).</summary>
    Weight,

    /// <summary>A public tensor (the input or the output; <see cref="ZeroCheckFactor.Index"/> the tensor), evaluated by the verifier.</summary>
    Public,

    /// <summary>The entrywise square of a public tensor, evaluated by the verifier.</summary>
    PublicSquare,

    /// <summary>The indicator of the valid samples <c>b &lt; B</c>, public.</summary>
    ValidBatch,

    /// <summary>A committed witness segment (<see cref="ZeroCheckFactor.Index"/>), read through its masked extension.</summary>
    Witness,

    /// <summary>
    /// The gather selector of layer <see cref="ZeroCheckFactor.Index"/> over its input tensor's variables,
    /// <c>Sel(i, b) = Σ_taps eq(z_rows, row)·[input = i]·eq(z_b, b)</c> (<see cref="CircuitPlan.Taps"/>, <c>z_rows</c> the first
    /// <c>LogRows</c> coordinates of the relation's point), evaluated by the verifier without the table (<see cref="ZeroKnowledgeLayout.EvaluateStructure"/>).
    /// </summary>
    Selector,

    /// <summary>The indicator of the valid entries <c>(s &lt; S, b &lt; B)</c> of tensor <see cref="ZeroCheckFactor.Index"/>, public.</summary>
    ValidSpatialBatch,

    /// <summary>
    /// The private input (tensor 0) of a private-input proof, committed by its owner (<see cref="InputCommitment"/>) and read through its
    /// masked extension, whose coefficients are a mask segment of the input commitment (<see cref="InputLayout.RelationMask"/>).
    /// </summary>
    Input,
}

/// <summary>
/// One table of a zero-check: its source, and its own point as the concatenation of ranges of the zero-check's variables (a table
/// that depends on fewer variables is read replicated over the others, which the prover never builds: <see cref="SumcheckProver.ProveMaskedContraction{T}"/>). <paramref name="Copy"/> distinguishes a second slot of the
/// same table (a square <c>x·x</c>: the sumcheck's terms take distinct tables), which shares the first slot's mask and claim.
/// </summary>
internal sealed record ZeroCheckFactor(ZeroCheckSource Source, int Index, (int Start, int Length)[] Coordinates, int Copy = 0)
{
    /// <summary>The factor's own point: the ranges of <paramref name="point"/> its coordinates name, in order.</summary>
    public E[] OwnPoint(ReadOnlySpan<E> point)
    {
        var result = new List<E>();
        foreach ((int start, int length) in Coordinates)
        {
            result.AddRange(point.Slice(start, length).ToArray());
        }

        return [.. result];
    }

    /// <summary>The zero-check's variables the factor's own table is indexed by, in its order (the first most significant): its coordinates' ranges, concatenated.</summary>
    public int[] Variables => [.. Coordinates.SelectMany(c => Enumerable.Range(c.Start, c.Length))];
}

/// <summary>
/// One layer's relation as a single zero-check with a public claimed sum (<see cref="SumcheckProver.ProveMaskedProducts{T}"/>):
/// <c>Σ_x Σ_t a_t·Π_(k∈t) Ḟ_k(x) = ConstantSum (+ Ỹ(z) of <see cref="SumTensor"/>)</c> over <see cref="NumVariables"/> variables,
/// <c>z</c> a random point of <see cref="PointVariables"/> variables of the layer's output.
/// </summary>
/// <remarks>
/// A max pooling's gather (<see cref="Window"/> <c>w &gt; 0</c>) draws a window combination <c>ρ</c> before <c>z</c>: term <c>t</c>'s coefficient is
/// multiplied by <c>ρ^(TermPowers[t])</c> (<c>&lt; 2w</c>), by <c>Σ_(j&lt;w) ρ^j</c> when the code is <c>2w</c>, by <c>ρ^j + ρ^(w+j)</c> when it is
/// <c>2w + 1 + j</c> (none when negative), and the
/// selector weights tap <c>j</c> of each window by <c>ρ^j</c> (<see cref="TermsAt"/>, with the powers <c>ρ^0 … ρ^(2w−1)</c>).
/// </remarks>
internal sealed record ZeroCheck(int Layer, int NumVariables, int PointVariables, ZeroCheckFactor[] Factors, SumcheckTerm<E>[] Terms, E ConstantSum, int SumTensor, int Window = 0, int[]? TermPowers = null)
{
    /// <summary>The terms with the window combination's powers <paramref name="powers"/> (<c>ρ^j</c>) folded into their coefficients (<see cref="Terms"/> without a window).</summary>
    public SumcheckTerm<E>[] TermsAt(ReadOnlySpan<E> powers)
    {
        if (Window == 0)
        {
            return Terms;
        }

        E all = E.Zero;
        foreach (E power in powers[..Window])
        {
            all += power;
        }

        var terms = new SumcheckTerm<E>[Terms.Length];
        for (int t = 0; t < terms.Length; t++)
        {
            int p = TermPowers![t];
            if (p < 0)
            {
                terms[t] = Terms[t];
                continue;
            }

            E factor = p < 2 * Window ? powers[p] : p == 2 * Window ? all : powers[p - (2 * Window) - 1] + powers[p - Window - 1];
            terms[t] = new SumcheckTerm<E>(Terms[t].Coefficient * factor, Terms[t].Factors);
        }

        return terms;
    }

    /// <summary>Which tables are masked extensions (the committed witness segments).</summary>
    public bool[] Masked => Array.ConvertAll(Factors, f => f.Source is ZeroCheckSource.Witness or ZeroCheckSource.Input);

    /// <summary>The round degree: the largest term's, 3 per masked table and 1 per plain one.</summary>
    public int Degree => SumcheckVerifier.MaskedProductDegree(Masked, Terms);

    /// <summary>Which tables are masked extensions over a commitment with hidden weights (<see cref="WeightMaskLayout"/>): the witness segments, and the weight and bias segments when <paramref name="hiddenWeights"/>.</summary>
    public bool[] MaskedWith(bool hiddenWeights) => Array.ConvertAll(Factors, f => f.Source is ZeroCheckSource.Witness or ZeroCheckSource.Input || (hiddenWeights && f.Source == ZeroCheckSource.Weight));

    /// <summary>The round degree with <see cref="MaskedWith"/>: each masked weight factor adds 2.</summary>
    public int DegreeWith(bool hiddenWeights) => SumcheckVerifier.MaskedProductDegree(MaskedWith(hiddenWeights), Terms);
}

/// <summary>
/// The witness layout of a zero-knowledge inference proof (<c>TSIP</c> v3) and its relations: every layer relation is one zero-check
/// with a public claimed sum over all its variables (<see cref="ZeroCheck"/>), whose committed factors are read through masked
/// extensions (<see cref="MaskedExtension"/>), so that no intermediate value and no final witness claim is revealed.
/// </summary>
/// <remarks>
/// <para>
/// <b>Relations</b> (written here once, read by prover and verifier through <see cref="LayerRelations"/>). A tensor is read as a
/// polynomial in the committed limbs that equals it on the hypercube: a committed tensor as
/// <c>l0 + 2^8·l1 (+ 2^15·e) − 2^15</c>; a ReLU output (virtual) as <c>(l0 + 2^8·l1)·e</c> of its input's limbs, which equals
/// <c>x·e</c> on the cube since <c>e ∈ {0, 1}</c> is range-checked (<c>2^15·(e² − e) = 0</c>); a public tensor as itself. With
/// <c>s</c> the shift and <c>h</c> the rounding offset, a requantizing layer proves <c>Σ_(o,b) eq(z, (o, b))·(acc + h − 2^s·q − r) = 0</c>:
/// Dense over <c>(o, k, b)</c>, <c>Σ eq·W·X + 2^(−v_k)·eq·(b·[b &lt; B] − 2^s·q − Σ_i 2^(8i)·r_i) = −h + 2^s·c_q</c> (<c>c_q</c> the constant of
/// <c>q</c>'s reading, <c>Σ_(o,k,b) 2^(−v_k)·eq = 1</c>); Square over the tensor's variables with <c>acc = x·x'</c> (a second slot of each
/// factor, since a term's tables are distinct); a ReLU whose output is public, <c>Σ eq·(l0 + 2^8·l1)·e = Ỹ(z)</c>. Each is a
/// Schwartz–Zippel identity at <c>z</c> (<c>v_z/|F|</c>) proven by a masked sumcheck of round degree <see cref="ZeroCheck.Degree"/>
/// (<c>V·d/|F|</c> plus <c>2/|F|</c> for its mask). Weight and bias factors are plain, their claims revealed as in <c>TSIP</c> v2, unless the
/// commitment hides the weights (<c>TSMC</c> v7, <see cref="WeightMaskLayout"/>, <see cref="ZeroCheck.MaskedWith"/>).
/// </para>
/// <para>
/// <b>Masks</b>. Each committed segment read by a zero-check gets a mask segment of its own for that zero-check: <c>2V</c> uniform base
/// entries (<see cref="MaskedExtension.Entries"/>, the zero-check's <c>V</c> variables, the segment read replicated over them) that only
/// that zero-check's one claim on the segment uses; copies of a factor share it. One claim per mask, at most
/// <see cref="MaskedExtension.MaxClaims"/> (<c>V ≥ 1</c>), asserted when the layout is built. A segment read by two zero-checks has two
/// independent masks, which is why no mask needs more coefficients. The polynomial also holds a random segment of two uniform base
/// entries that no claim reads, so the one value its single batched opening proves is uniform (<see cref="ClaimBatcher"/>).
/// </para>
/// <para>
/// <b>Lookup masks</b> (<see cref="LookupMasks"/>). The range-check lookup is the zero-knowledge logUp GKR (<see cref="Lookups.LogUpArgument"/>
/// with <c>zeroKnowledge</c>; multiplicities committed in the masking pool, layer masks reserved there): each lookup column — every limb
/// and remainder segment, and each scaled copy of one — is read through a masked extension of the column's own <c>v</c> variables, whose
/// <c>2v</c> uniform base entries are a mask segment of that column alone. The GKR reveals two functionals of it (its leaf children, summed
/// over the blocks, and its leaf claim at the swapped point <c>LogUpClaims.ColumnMaskPoints</c>) against <c>v ≥ 2</c> coefficients, so a
/// segment looked up twice (a limb and its scaled copy) has two masks rather than one with <c>2·2</c> functionals. A plan with a lookup
/// column of fewer than four entries (the zero-knowledge GKR's minimum) has no zero-knowledge layout.
/// </para>
/// <para>
/// <b>Covered</b>: Dense (any batch), Square, ReLU, Flatten, and Conv2d, AvgPool2d, MaxPool2d (<c>ZeroKnowledgeLayout.Convolutional.cs</c>: a
/// convolution's im2col matrix and a max pooling's differences are derived witness segments after the plan's). A plan with a zero-check that
/// reads no committed segment (a single Dense layer between the public input and output with shift 0, whose relation holds no witness), with
/// a zero-check of no variables (a 1×1 Dense layer at batch 1: no coordinate can carry a mask) or beyond the masked sumcheck's limits has no
/// zero-knowledge layout (<see cref="TryCreate"/> returns <see langword="null"/>) and is proven as <c>TSIP</c> v2.
/// </para>
/// </remarks>
internal sealed partial class ZeroKnowledgeLayout
{
    /// <summary>The log size of the random segment: two base entries.</summary>
    public const int RandomLogSize = 1;

    private readonly Dictionary<(int Check, int Segment), int> _masks;

    private ZeroKnowledgeLayout(
        CircuitPlan plan, ZeroCheck[] checks, Dictionary<(int Check, int Segment), int> masks, int[] lookupMasks, int[] maskVariables, Dictionary<int, int> gathered,
        Dictionary<int, int[]> differences, SegmentLayout layout)
    {
        AdviceSegments = plan.AdviceLogSizes.Count;
        Checks = checks;
        _masks = masks;
        LookupMasks = lookupMasks;
        MaskVariables = maskVariables;
        Gathered = gathered;
        Differences = differences;
        Layout = layout;
    }

    /// <summary>Gets the zero-checks in protocol order (from the output back to the input).</summary>
    public ZeroCheck[] Checks { get; }

    /// <summary>Gets the number of witness segments of the plan (the first segments of <see cref="Layout"/>).</summary>
    public int AdviceSegments { get; }

    /// <summary>
    /// Gets, per Conv2d layer, the segment of its committed im2col matrix <c>G</c> (<c>(k, s, b)</c>, <c>k</c> most significant), which follow
    /// the plan's segments in <see cref="Layout"/> (<see cref="DerivedTables"/>).
    /// </summary>
    public IReadOnlyDictionary<int, int> Gathered { get; }

    /// <summary>
    /// Gets, per MaxPool2d layer, the segments of its window differences <c>D_j = l0_j + 2^8·l1_j</c> as field elements, one per window offset
    /// (<see cref="DerivedTables"/>): the product zero-check reads them as single factors, the gather zero-check ties them to the limbs.
    /// </summary>
    public IReadOnlyDictionary<int, int[]> Differences { get; }

    /// <summary>Gets the number of segments derived from the witness (<see cref="Gathered"/>, <see cref="Differences"/>), after the plan's.</summary>
    public int DerivedSegments => Gathered.Count + Differences.Values.Sum(d => d.Length);

    /// <summary>Gets, per mask segment (index minus <see cref="AdviceSegments"/> and <see cref="DerivedSegments"/>), the number of variables of its zero-check, or of its lookup column.</summary>
    public int[] MaskVariables { get; }

    /// <summary>
    /// Gets, per lookup column of the plan (<see cref="CircuitPlan.LookupColumns"/>), the mask segment of its masked extension in the
    /// zero-knowledge logUp (<see cref="Lookups.LogUpArgument"/> with <c>zeroKnowledge</c>): one per column, so a segment looked up by several
    /// columns (a limb and its scaled copy) has one mask per use.
    /// </summary>
    public int[] LookupMasks { get; }

    /// <summary>Gets the index of the random segment in <see cref="Layout"/> (the last one).</summary>
    public int RandomSegment => AdviceSegments + DerivedSegments + MaskVariables.Length;

    /// <summary>Gets the witness polynomial's layout: the plan's segments, the derived ones (gathered matrices, differences), the masks, then the random segment.</summary>
    public SegmentLayout Layout { get; }

    /// <summary>The mask segment of <paramref name="segment"/> in the zero-check at index <paramref name="check"/> of <see cref="Checks"/>.</summary>
    public int MaskOf(int check, int segment) => _masks[(check, segment)];

    /// <summary>
    /// The derived segments, in segment order: the im2col matrices of <see cref="Gathered"/>, <c>G[(row, b)] = X[(input, b)]</c> for every tap of
    /// the layer (<see cref="CircuitPlan.Taps"/>), zero where no tap lands (the convolution's zero padding, padded kernel columns and positions);
    /// the differences of <see cref="Differences"/>, <c>l0_j + 2^8·l1_j</c> of the witness's limbs.
    /// </summary>
    public Goldilocks[][] DerivedTables(CircuitPlan plan, Goldilocks[][] fieldTensors, Goldilocks[][] advice)
    {
        var tables = new Goldilocks[DerivedSegments][];
        foreach ((int layer, int[] segments) in Differences)
        {
            for (int j = 0; j < segments.Length; j++)
            {
                (int l0, int l1) = plan.Differences[layer][j];
                var d = new Goldilocks[advice[l0].Length];
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = advice[l0][i] + (advice[l1][i] * new Goldilocks(256));
                }

                tables[segments[j] - AdviceSegments] = d;
            }
        }

        foreach ((int layer, int segment) in Gathered)
        {
            (int[] rows, int[] inputs, int logRows) = plan.Taps[layer];
            int batch = 1 << plan.LogBatch;
            Goldilocks[] x = fieldTensors[plan.Source[layer]];
            var g = new Goldilocks[batch << logRows];
            for (int j = 0; j < rows.Length; j++)
            {
                x.AsSpan(inputs[j] * batch, batch).CopyTo(g.AsSpan(rows[j] * batch, batch));
            }

            tables[segment - AdviceSegments] = g;
        }

        return tables;
    }

    /// <summary>The zero-knowledge layout of a plan, or <see langword="null"/> when a layer kind or a relation is not covered (see remarks).</summary>
    /// <remarks>
    /// With <paramref name="privateInput"/> (a private-input proof, <c>TSIP</c> 0x8003) the input tensor is read as a masked factor
    /// (<see cref="ZeroCheckSource.Input"/>) whose mask lies in the input commitment, not in this layout; exactly one zero-check may read it,
    /// over at most <see cref="InputLayout.MaxMaskVariables"/> variables (one mask segment per set serves it), else there is no layout.
    /// </remarks>
    public static ZeroKnowledgeLayout? TryCreate(CircuitPlan plan, bool privateInput = false)
    {
        if (plan.Layers.Any(l => l.Kind is not (LayerKind.Dense or LayerKind.Square or LayerKind.Relu or LayerKind.Flatten or LayerKind.Conv2d or LayerKind.AvgPool2d or LayerKind.MaxPool2d))
            || plan.LookupColumns.Any(c => plan.AdviceLogSizes[c.Segment] < 2))
        {
            return null;
        }

        var logSizes = new List<int>(plan.AdviceLogSizes);
        var gathered = new Dictionary<int, int>();
        var differences = new Dictionary<int, int[]>();
        for (int l = 0; l < plan.Layers.Length; l++)
        {
            if (plan.Layers[l].Kind == LayerKind.Conv2d)
            {
                gathered.Add(l, logSizes.Count);
                logSizes.Add(plan.Taps[l].LogRows + plan.LogBatch);
            }
            else if (plan.Layers[l].Kind == LayerKind.MaxPool2d)
            {
                differences.Add(l, [.. Enumerable.Range(logSizes.Count, plan.Layers[l].Window)]);
                logSizes.AddRange(Enumerable.Repeat(plan.Layouts[l + 1].LogSize, plan.Layers[l].Window));
            }
        }

        var checks = new List<ZeroCheck>();
        for (int l = plan.Layers.Length - 1; l >= 0; l--)
        {
            ZeroCheck[] layerChecks = plan.Layers[l].Kind switch
            {
                LayerKind.Dense => [new ZeroCheckBuilder(plan, l, privateInput).Dense()],
                LayerKind.Square => [new ZeroCheckBuilder(plan, l, privateInput).Square()],
                LayerKind.Relu when plan.Kinds[l + 1] == TensorKind.Public => [new ZeroCheckBuilder(plan, l, privateInput).PublicRelu()],
                LayerKind.AvgPool2d => [new ZeroCheckBuilder(plan, l, privateInput).AveragePool()],
                LayerKind.MaxPool2d => [new ZeroCheckBuilder(plan, l, privateInput).MaximumProduct(differences[l]), new ZeroCheckBuilder(plan, l, privateInput).MaximumGather(differences[l])],
                LayerKind.Conv2d => [new ZeroCheckBuilder(plan, l, privateInput).Convolution(gathered[l]), new ZeroCheckBuilder(plan, l, privateInput).ConvolutionGather(gathered[l])],
                _ => [],
            };
            foreach (ZeroCheck check in layerChecks)
            {
                // A zero-check without a masked factor has nothing to hide, one without variables (a 1×1 layer at batch 1) has no coordinate
                // to carry a mask (MaskedExtension needs v ≥ 1), and one beyond the masked sumcheck's limits (terms, tables, degree) cannot
                // be proven: each keeps the plan on TSIP v2.
                if (!check.Masked.Any(m => m) || check.NumVariables == 0 || !SumcheckTerm<E>.Valid(check.Terms, check.Factors.Length)
                    || check.Factors.Length > SumcheckVerifier.MaxDegree || check.Degree > SumcheckVerifier.MaxDegree)
                {
                    return null;
                }

                checks.Add(check);
            }
        }

        if ((privateInput && (plan.Layouts[0].LogSize < 2 || checks.Count(c => c.Factors.Any(f => f.Source == ZeroCheckSource.Input)) != 1))
            || checks.Any(c => c.Factors.Any(f => f.Source == ZeroCheckSource.Input) && c.NumVariables > InputLayout.MaxMaskVariables))
        {
            return null;
        }

        var masks = new Dictionary<(int, int), int>();
        var maskVariables = new List<int>();
        for (int c = 0; c < checks.Count; c++)
        {
            foreach (ZeroCheckFactor factor in checks[c].Factors.Where(f => f.Source == ZeroCheckSource.Witness && f.Copy == 0))
            {
                // One claim per mask: the zero-check's one evaluation of this segment (its copies share it); LayerRelations refuses a second.
                masks.Add((c, factor.Index), logSizes.Count);
                maskVariables.Add(checks[c].NumVariables);
                logSizes.Add(TensorLayout.CeilLog2(MaskedExtension.Entries(checks[c].NumVariables)));
            }
        }

        // The zero-knowledge logUp: one mask per lookup column (the column's own v variables), whose two functionals — the leaf
        // children summed over the blocks and the leaf claim — it alone receives (v ≥ 2 coefficients).
        var lookupMasks = new int[plan.LookupColumns.Count];
        for (int j = 0; j < lookupMasks.Length; j++)
        {
            int v = plan.AdviceLogSizes[plan.LookupColumns[j].Segment];
            lookupMasks[j] = logSizes.Count;
            maskVariables.Add(v);
            logSizes.Add(TensorLayout.CeilLog2(MaskedExtension.Entries(v)));
        }

        logSizes.Add(RandomLogSize);
        return new ZeroKnowledgeLayout(plan, [.. checks], masks, lookupMasks, [.. maskVariables], gathered, differences, SegmentLayout.Create(logSizes, splitLargest: false));
    }

    /// <summary>Accumulates a zero-check's tables (deduplicated by source, index and copy) and terms.</summary>
    private sealed partial class ZeroCheckBuilder(CircuitPlan plan, int layer, bool privateInput)
    {
        private readonly List<ZeroCheckFactor> _factors = [];
        private readonly List<SumcheckTerm<E>> _terms = [];

        private static E Constant(long value) => E.FromBase(CircuitPlan.Field(value));

        /// <summary>Dense over <c>(o, k, b)</c>: <c>Σ eq·W·X + 2^(−v_k)·eq·(b·[b &lt; B] − 2^s·q − Σ 2^(8i)·r_i) = −h + 2^s·c_q</c>.</summary>
        public ZeroCheck Dense()
        {
            (int weights, int bias, int logRows, int logColumns) = plan.WeightSegments[layer];
            int logBatch = plan.LogBatch, v = logRows + logColumns + logBatch;
            (int, int) o = (0, logRows), k = (logRows, logColumns), b = (logRows + logColumns, logBatch);
            int eq = Factor(ZeroCheckSource.Eq, 0, [o, b]);
            int w = Factor(ZeroCheckSource.Weight, weights, [o, k]);
            (List<(E Coefficient, int[] Factors)> input, E inputConstant) = Read(plan.Source[layer], [k, b], 0);
            foreach ((E coefficient, int[] factors) in input)
            {
                Term(coefficient, [eq, w, .. factors]);
            }

            if (inputConstant != E.Zero)
            {
                Term(inputConstant, [eq, w]);
            }

            E scale = E.Invert(E.FromBase(new Goldilocks(1UL << logColumns)));
            int biasFactor = Factor(ZeroCheckSource.Weight, bias, [o]);
            Term(scale, plan.Batch == 1 << logBatch ? [eq, biasFactor] : [eq, biasFactor, Factor(ZeroCheckSource.ValidBatch, 0, [b])]);
            return Requantized(v, scale, [o, b], plan.Layouts[layer + 1].LogSize);
        }

        /// <summary>Square over the tensor's variables: <c>Σ eq·x·x' − eq·(2^s·q + Σ 2^(8i)·r_i) = −h + 2^s·c_q</c> (minus the square of the reading's constant).</summary>
        public ZeroCheck Square()
        {
            int v = plan.Layouts[layer + 1].LogSize;
            (int, int)[] all = [(0, v)];
            int eq = Factor(ZeroCheckSource.Eq, 0, all);
            int source = plan.Source[layer];
            E squareConstant = E.Zero;
            if ((plan.Kinds[source] == TensorKind.Input && !privateInput) || plan.Kinds[source] == TensorKind.Public)
            {
                Term(E.One, [eq, Factor(ZeroCheckSource.PublicSquare, source, all)]);
            }
            else
            {
                (List<(E Coefficient, int[] Factors)> first, E constant) = Read(source, all, 0);
                (List<(E Coefficient, int[] Factors)> second, _) = Read(source, all, 1);
                foreach ((E a, int[] f) in first)
                {
                    foreach ((E c, int[] g) in second)
                    {
                        Term(a * c, [eq, .. f, .. g]);
                    }

                    if (constant != E.Zero)
                    {
                        Term(E.FromBase(new Goldilocks(2)) * constant * a, [eq, .. f]);
                    }
                }

                squareConstant = constant * constant;
            }

            ZeroCheck check = Requantized(v, E.One, all, v);
            return check with { ConstantSum = check.ConstantSum - squareConstant };
        }

        /// <summary>ReLU with a public output <c>y</c>: <c>Σ eq·(l0 + 2^8·l1)·e = Ỹ(z)</c>.</summary>
        public ZeroCheck PublicRelu()
        {
            int v = plan.Layouts[layer + 1].LogSize;
            (int, int)[] all = [(0, v)];
            int eq = Factor(ZeroCheckSource.Eq, 0, all);
            (List<(E Coefficient, int[] Factors)> relu, _) = Read(layer + 1, all, 0, virtualOutput: true);
            foreach ((E coefficient, int[] factors) in relu)
            {
                Term(coefficient, [eq, .. factors]);
            }

            return new ZeroCheck(layer, v, v, [.. _factors], [.. _terms], E.Zero, plan.Source[plan.Layers.Length]);
        }

        /// <summary>Adds the output side <c>−scale·eq·(2^s·q + Σ_i 2^(8i)·r_i)</c> and builds the zero-check with sum <c>−h + 2^s·c_q</c>.</summary>
        private ZeroCheck Requantized(int v, E scale, (int, int)[] output, int pointVariables)
        {
            int shift = plan.Layers[layer].Shift;
            int eq = 0;
            E power = E.FromBase(new Goldilocks(1UL << shift));
            (List<(E Coefficient, int[] Factors)> q, E qConstant) = Read(layer + 1, output, 0);
            foreach ((E coefficient, int[] factors) in q)
            {
                Term(-(scale * power * coefficient), [eq, .. factors]);
            }

            int[] remainders = plan.Remainders[layer];
            for (int i = 0; i < remainders.Length; i++)
            {
                Term(-(scale * E.FromBase(new Goldilocks(1UL << (8 * i)))), [eq, Factor(ZeroCheckSource.Witness, remainders[i], output)]);
            }

            E sum = -Constant(FixedPoint.Offset(shift)) + (power * qConstant);
            return new ZeroCheck(layer, v, pointVariables, [.. _factors], [.. _terms], sum, -1);
        }

        /// <summary>
        /// The reading of tensor <paramref name="tensor"/> (through Flatten aliases) as a sum of products of tables plus a constant, equal
        /// to it on the hypercube: committed limbs, a ReLU output's <c>(l0 + 2^8·l1)·e</c>, or the public tensor itself.
        /// </summary>
        private (List<(E Coefficient, int[] Factors)> Terms, E Constant) Read(int tensor, (int, int)[] coordinates, int copy, bool virtualOutput = false)
        {
            int source = plan.Source[tensor];
            E two8 = E.FromBase(new Goldilocks(256)), two15 = E.FromBase(new Goldilocks(32768));
            if (virtualOutput || plan.Kinds[source] == TensorKind.Virtual)
            {
                (int l0, int l1, int e) = plan.Limbs[plan.Source[source - 1]];
                int sign = Factor(ZeroCheckSource.Witness, e, coordinates, copy);
                return ([(E.One, [Factor(ZeroCheckSource.Witness, l0, coordinates, copy), sign]), (two8, [Factor(ZeroCheckSource.Witness, l1, coordinates, copy), sign])], E.Zero);
            }

            if (plan.Kinds[source] == TensorKind.Committed)
            {
                (int l0, int l1, int e) = plan.Limbs[source];
                var terms = new List<(E, int[])>
                {
                    (E.One, [Factor(ZeroCheckSource.Witness, l0, coordinates, copy)]),
                    (two8, [Factor(ZeroCheckSource.Witness, l1, coordinates, copy)]),
                };
                if (e >= 0)
                {
                    terms.Add((two15, [Factor(ZeroCheckSource.Witness, e, coordinates, copy)]));
                }

                return (terms, -two15);
            }

            ZeroCheckSource reading = privateInput && plan.Kinds[source] == TensorKind.Input ? ZeroCheckSource.Input : ZeroCheckSource.Public;
            return ([(E.One, [Factor(reading, source, coordinates, copy)])], E.Zero);
        }

        private int Factor(ZeroCheckSource source, int index, (int, int)[] coordinates, int copy = 0)
        {
            int found = _factors.FindIndex(f => f.Source == source && f.Index == index && f.Copy == copy);
            if (found >= 0)
            {
                return found;
            }

            _factors.Add(new ZeroCheckFactor(source, index, coordinates, copy));
            return _factors.Count - 1;
        }

        /// <summary>Adds a term, its factor indices sorted (a product does not depend on their order).</summary>
        private void Term(E coefficient, int[] factors) => _terms.Add(new SumcheckTerm<E>(coefficient, [.. factors.Order()]));
    }
}
