using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Training;

/// <summary>Where a table of a step's zero-check comes from.</summary>
internal enum StepSource
{
    /// <summary><c>eq(z_range, ·)</c> of a range of the zero-check's random point, public.</summary>
    Eq,

    /// <summary>A committed witness segment (<see cref="StepFactor.Index"/>), read through its masked extension.</summary>
    Witness,

    /// <summary>A segment of the snapshot before the step (<see cref="WeightCommitment.Layout"/>), plain: its claim goes to the snapshot's opening.</summary>
    Before,

    /// <summary>A segment of the snapshot after the step, plain.</summary>
    After,

    /// <summary>The gather selector <c>Sel(x) = Σ_b eq(z_b, b)·[x = i_b]</c> of the schedule's public indices, evaluated by the verifier.</summary>
    Selector,

    /// <summary>The committed dataset's region <see cref="StepFactor.Index"/> (features 0, labels 1) as a table over (sample, column), plain.</summary>
    Dataset,
}

/// <summary>
/// One table of a step's zero-check: its source, its own point as ranges of the zero-check's variables (constant in the
/// others, <see cref="ZeroCheckFactor.Variables"/>), and for <see cref="StepSource.Eq"/> and <see cref="StepSource.Selector"/> the range
/// <c>(ZStart, ZLength)</c> of the relation's random point <c>z</c> it is built from.
/// </summary>
internal sealed record StepFactor(StepSource Source, int Index, (int Start, int Length)[] Coordinates, int ZStart = 0, int ZLength = 0)
{
    /// <summary>The shape of the factor as the inference zero-checks read it (own point, replication).</summary>
    public ZeroCheckFactor Shape => new(ZeroCheckSource.Witness, Index, Coordinates);

    /// <summary>The number of the factor's own variables.</summary>
    public int OwnVariables => Coordinates.Sum(c => c.Length);
}

/// <summary>
/// One relation of a hiding run's step as a single zero-check with a public claimed sum:
/// <c>Σ_x Σ_t a_t·Π_(k∈t) Ḟ_k(x) = Sum(z)</c> over <see cref="NumVariables"/> variables, <c>z</c> a random point of
/// <see cref="PointVariables"/> variables (<see cref="StepZeroKnowledge"/>).
/// </summary>
internal sealed record StepZeroCheck(string Relation, int NumVariables, int PointVariables, StepFactor[] Factors, SumcheckTerm<E>[] Terms, Func<E[], E> Sum)
{
    /// <summary>Which tables are masked extensions: the committed witness segments.</summary>
    public bool[] Masked => Array.ConvertAll(Factors, f => f.Source == StepSource.Witness);

    /// <summary>The round degree: the largest term's, 3 per masked table and 1 per plain one.</summary>
    public int Degree => SumcheckVerifier.MaskedProductDegree(Masked, Terms);
}

/// <summary>
/// The witness layout and the relations of a hiding run's step proof with hidden claims (<c>TSSP</c> v4): every relation of the step
/// — forward pass, output error, backward pass, weight and bias update with their requantization remainders, the gathers of the batch
/// from the committed dataset and the one-hot targets — is one zero-check with a public claimed sum whose committed factors are masked
/// witness segments (<see cref="MaskedExtension"/>), proven by <see cref="SumcheckProver.ProveMaskedProducts{T}"/> as the inference
/// zero-checks of <c>TSIP</c> v3 are (<see cref="ZeroKnowledgeLayout"/>), so that no intermediate value and no witness claim is revealed.
/// </summary>
/// <remarks>
/// <para>
/// <b>Readings</b> (equal to the tensor on the hypercube, linear or quadratic in the limbs): a signed committed tensor (<c>Z</c>, <c>Q</c>,
/// the output error <c>D</c>, the batch input <c>A_0</c>) <c>Σ_k 2^(8k)·l_k + 2^(V−1)·e − 2^(V−1)</c>; an unsigned one (remainders, the
/// targets <c>T</c>) <c>Σ_k 2^(8k)·l_k</c>; an activation <c>A_l = Z_(l−1)·e_(l−1)</c> as <c>Σ_k 2^(8k)·l_k·e</c> (on the cube
/// <c>e ∈ {0, 1}</c>, range-checked, so <c>2^(V−1)·(e² − e) = 0</c>); a hidden error <c>D_l = Q_l·e_l</c> as <c>Q_l</c>'s reading times
/// <c>e_l</c>. A reading's constant is a term with the equality factor alone.
/// </para>
/// <para>
/// <b>Relations</b> (<c>h = 2^(f−1)</c>, <c>LT(z, n) = Σ_(x&lt;n) eq(z, x)</c>, each at a fresh <c>z</c>):
/// forward <c>Σ_(o,k,b) eq(z, (o, b))·W(o, k)·A(k, b) + 2^(−v_k)·eq·(2^f·b(o) − 2^f·Z(o, b) − R(o, b)) = −h·LT(z_o, n_(l+1))</c>;
/// output error <c>Σ eq·(D − Z + 2^f·T) = 0</c>; backward <c>Σ_(j,i,b) eq(z, (i, b))·W_(l+1)(j, i)·D_(l+1)(j, b) − 2^(−v_j)·eq·(2^f·Q + S) = −h·LT(z_i, n_(l+1))</c>;
/// update <c>Σ_(j,i,b) eq(z, (j, i))·D(j, b)·A(i, b) + 2^(−v_b)·eq·(−2^u·W + 2^u·W′ − P) = −2^(u−1)·LT(z_j, n_(l+1))·LT(z_i, n_l)</c>;
/// bias update <c>Σ_(j,b) eq(z, j)·(2^f·D(j, b) + 2^(−v_b)·(−2^u·b + 2^u·b′ − PB)) = −2^(u−1)·LT(z, n_(l+1))</c>;
/// batch features <c>Σ_(i,y) Sel(y)·eq(z_i, i)·X(y, 0‖i) − 2^(−(n−v_b))·eq(z, (i, y_b))·A_0(i, y_b) = 0</c> over the feature and sample
/// variables (<c>y_b</c> the last <c>v_b</c> of the <c>n</c> sample variables), and batch labels likewise with <c>T</c>; one-hot
/// <c>Σ_(j,b) eq(z, b)·T(j, b) = 1</c>. A relation of no variables (a 1×1 layer at batch 1) gets one dummy variable, its terms halved.
/// Each is a Schwartz–Zippel identity at <c>z</c> (<c>v_z/|E|</c>) proven by a masked sumcheck of round degree <see cref="StepZeroCheck.Degree"/>
/// (<c>V·d/|E|</c>, plus <c>2/|E|</c> for its mask). Snapshot factors (<c>W</c>, <c>W′</c>, <c>b</c>, <c>b′</c>) and the dataset factor are
/// plain: their claims go to the snapshots' and the dataset's batched openings.
/// </para>
/// <para>
/// <b>Masks.</b> Each witness segment read by a zero-check has a mask segment of its own for that zero-check (<c>2V</c> uniform base
/// entries, <see cref="MaskedExtension.Entries"/>), which only that zero-check's one claim on it uses; each lookup column has its own
/// mask segment of the column's <c>v</c> variables (the zero-knowledge logUp GKR, as <see cref="ZeroKnowledgeLayout.LookupMasks"/>); a
/// random segment of two uniform base entries, read by no claim, makes the witness opening's one value uniform (<see cref="ClaimBatcher"/>).
/// </para>
/// </remarks>
internal sealed class StepZeroKnowledge
{
    /// <summary>The log size of the random segment: two base entries.</summary>
    public const int RandomLogSize = 1;

    private readonly Dictionary<(int Check, int Segment), int> _masks;

    private StepZeroKnowledge(StepCircuit circuit, StepZeroCheck[] checks, Dictionary<(int, int), int> masks, int[] lookupMasks, int[] maskVariables, SegmentLayout layout)
    {
        AdviceSegments = circuit.LogSizes.Count;
        Checks = checks;
        _masks = masks;
        LookupMasks = lookupMasks;
        MaskVariables = maskVariables;
        Layout = layout;
    }

    /// <summary>Gets the zero-checks in protocol order.</summary>
    public StepZeroCheck[] Checks { get; }

    /// <summary>Gets the number of the circuit's segments (the first segments of <see cref="Layout"/>).</summary>
    public int AdviceSegments { get; }

    /// <summary>Gets, per lookup column of the circuit, its mask segment.</summary>
    public int[] LookupMasks { get; }

    /// <summary>Gets, per mask segment (index minus <see cref="AdviceSegments"/>), the number of variables of its masked extension.</summary>
    public int[] MaskVariables { get; }

    /// <summary>Gets the index of the random segment (the last one).</summary>
    public int RandomSegment => AdviceSegments + MaskVariables.Length;

    /// <summary>Gets the witness polynomial's layout: the circuit's segments, the masks, the random segment.</summary>
    public SegmentLayout Layout { get; }

    /// <summary>The mask segment of witness segment <paramref name="segment"/> in zero-check <paramref name="check"/>.</summary>
    public int MaskOf(int check, int segment) => _masks[(check, segment)];

    /// <summary>
    /// The prover's segments of <see cref="Layout"/>: the circuit's (the multiplicities zero: the zero-knowledge logUp commits them in the
    /// masking pool), then per mask <see cref="MaskedExtension.Entries"/> uniform base entries (the rest of its segment zero) and the random
    /// segment's two, drawn fresh from <paramref name="salts"/> (<see cref="RandomSaltSource"/> by default), as the inference prover does.
    /// </summary>
    public Goldilocks[][] Segments(StepCircuit circuit, Goldilocks[][] advice, ISaltSource? salts)
    {
        var segments = new List<Goldilocks[]>(advice) { [circuit.Multiplicities] = new Goldilocks[advice[circuit.Multiplicities].Length] };
        return InferenceProver.AppendMasks(Layout, MaskVariables, segments, salts);
    }

    /// <summary>Builds the layout of a hiding run's step (<paramref name="circuit"/> built with a hidden batch).</summary>
    public static StepZeroKnowledge Create(StepCircuit circuit, DatasetPolynomial dataset)
    {
        if (circuit.Inputs is null || circuit.Targets is null)
        {
            throw new ArgumentException("Hidden claims need a hidden batch.", nameof(circuit));
        }

        StepZeroCheck[] checks = [.. new Builder(circuit, dataset).All()];
        var logSizes = new List<int>(circuit.LogSizes);
        var masks = new Dictionary<(int, int), int>();
        var maskVariables = new List<int>();
        for (int c = 0; c < checks.Length; c++)
        {
            StepZeroCheck check = checks[c];
            if (!SumcheckTerm<E>.Valid(check.Terms, check.Factors.Length) || check.Factors.Length > SumcheckVerifier.MaxDegree || check.Degree > SumcheckVerifier.MaxDegree)
            {
                throw new InvalidOperationException($"The {check.Relation} zero-check exceeds the masked sumcheck's limits.");
            }

            foreach (StepFactor factor in check.Factors.Where(f => f.Source == StepSource.Witness))
            {
                masks.Add((c, factor.Index), logSizes.Count);
                maskVariables.Add(check.NumVariables);
                logSizes.Add(TensorLayout.CeilLog2(MaskedExtension.Entries(check.NumVariables)));
            }
        }

        var lookupMasks = new int[circuit.LookupColumns.Count];
        for (int j = 0; j < lookupMasks.Length; j++)
        {
            int v = circuit.LogSizes[circuit.LookupColumns[j].Segment];
            lookupMasks[j] = logSizes.Count;
            maskVariables.Add(v);
            logSizes.Add(TensorLayout.CeilLog2(MaskedExtension.Entries(v)));
        }

        logSizes.Add(RandomLogSize);
        return new StepZeroKnowledge(circuit, checks, masks, lookupMasks, [.. maskVariables], SegmentLayout.Create(logSizes, splitLargest: false));
    }

    /// <summary>Writes the zero-checks of a step.</summary>
    private sealed class Builder(StepCircuit circuit, DatasetPolynomial dataset)
    {
        private readonly TrainingConfig _config = circuit.Config;
        private readonly int _layers = circuit.Layers;
        private readonly int _vb = circuit.LogBatch;

        public IEnumerable<StepZeroCheck> All()
        {
            for (int l = 0; l < _layers; l++)
            {
                yield return Forward(l);
            }

            yield return OutputError();
            for (int l = _layers - 2; l >= 0; l--)
            {
                yield return Backward(l);
            }

            for (int l = 0; l < _layers; l++)
            {
                yield return Update(l);
                yield return UpdateBias(l);
            }

            yield return Gather("batch features", DatasetPolynomial.FeatureRegion, circuit.LogWidths[0], Signed(circuit.Inputs!));
            yield return Gather("batch labels", DatasetPolynomial.LabelRegion, circuit.LogWidths[_layers], Unsigned(circuit.Targets!));
            yield return OneHot();
        }

        private static E Power(int bits) => StepCircuit.Power(bits);

        private static E InversePower(int bits) => E.Invert(Power(bits));

        private StepZeroCheck Forward(int l)
        {
            int vo = circuit.LogWidths[l + 1], vi = circuit.LogWidths[l];
            (int, int) o = (0, vo), k = (vo, vi), b = (vo + vi, _vb);
            var check = new Check($"forward, layer {l}", vo + vi + _vb);
            int eq = check.Factor(StepSource.Eq, 0, [o, b], 0, vo + _vb);
            int w = check.Factor(StepSource.Before, WeightSegment(l), [o, k]);
            check.Add(E.One, [eq, w], Activation(l), [k, b]);
            E scale = InversePower(vi);
            check.Term(scale * Power(_config.FractionalBits), eq, check.Factor(StepSource.Before, BiasSegment(l), [o]));
            check.Add(-(scale * Power(_config.FractionalBits)), [eq], Signed(circuit.Z[l]), [o, b]);
            check.Add(-scale, [eq], Unsigned(circuit.R[l]), [o, b]);
            int n = _config.LayerSizes[l + 1];
            E h = Power(_config.FractionalBits - 1);
            return check.Build(vo + _vb, z => -(h * LessThanPolynomial.Evaluate<E>(z.AsSpan(0, vo), n)));
        }

        private StepZeroCheck OutputError()
        {
            int vo = circuit.LogWidths[_layers];
            (int, int) o = (0, vo), b = (vo, _vb);
            var check = new Check("output error", vo + _vb);
            int eq = check.Factor(StepSource.Eq, 0, [o, b], 0, vo + _vb);
            check.Add(E.One, [eq], Signed(circuit.D), [o, b]);
            check.Add(-E.One, [eq], Signed(circuit.Z[_layers - 1]), [o, b]);
            check.Add(Power(_config.FractionalBits), [eq], Unsigned(circuit.Targets!), [o, b]);
            return check.Build(vo + _vb, _ => E.Zero);
        }

        private StepZeroCheck Backward(int l)
        {
            int vj = circuit.LogWidths[l + 2], vi = circuit.LogWidths[l + 1];
            (int, int) j = (0, vj), i = (vj, vi), b = (vj + vi, _vb);
            var check = new Check($"backward, layer {l}", vj + vi + _vb);
            int eq = check.Factor(StepSource.Eq, 0, [i, b], 0, vi + _vb);
            int w = check.Factor(StepSource.Before, WeightSegment(l + 1), [j, i]);
            check.Add(E.One, [eq, w], Error(l + 1), [j, b]);
            E scale = InversePower(vj);
            check.Add(-(scale * Power(_config.FractionalBits)), [eq], Signed(circuit.Q[l]), [i, b]);
            check.Add(-scale, [eq], Unsigned(circuit.S[l]), [i, b]);
            int n = _config.LayerSizes[l + 1];
            E h = Power(_config.FractionalBits - 1);
            return check.Build(vi + _vb, z => -(h * LessThanPolynomial.Evaluate<E>(z.AsSpan(0, vi), n)));
        }

        private StepZeroCheck Update(int l)
        {
            int vo = circuit.LogWidths[l + 1], vi = circuit.LogWidths[l];
            (int, int) j = (0, vo), i = (vo, vi), b = (vo + vi, _vb);
            var check = new Check($"weight update, layer {l}", vo + vi + _vb);
            int eq = check.Factor(StepSource.Eq, 0, [j, i], 0, vo + vi);
            check.Product(eq, Error(l), [j, b], Activation(l), [i, b]);
            E scale = InversePower(_vb);
            int u = _config.UpdateShift;
            check.Term(-(scale * Power(u)), eq, check.Factor(StepSource.Before, WeightSegment(l), [j, i]));
            check.Term(scale * Power(u), eq, check.Factor(StepSource.After, WeightSegment(l), [j, i]));
            check.Add(-scale, [eq], Unsigned(circuit.P[l]), [j, i]);
            int rows = _config.LayerSizes[l + 1], columns = _config.LayerSizes[l];
            E half = Power(u - 1);
            return check.Build(vo + vi, z => -(half * LessThanPolynomial.Evaluate<E>(z.AsSpan(0, vo), rows) * LessThanPolynomial.Evaluate<E>(z.AsSpan(vo, vi), columns)));
        }

        private StepZeroCheck UpdateBias(int l)
        {
            int vo = circuit.LogWidths[l + 1];
            (int, int) j = (0, vo), b = (vo, _vb);
            var check = new Check($"bias update, layer {l}", vo + _vb);
            int eq = check.Factor(StepSource.Eq, 0, [j], 0, vo);
            check.Add(Power(_config.FractionalBits), [eq], Error(l), [j, b]);
            E scale = InversePower(_vb);
            int u = _config.UpdateShift;
            check.Term(-(scale * Power(u)), eq, check.Factor(StepSource.Before, BiasSegment(l), [j]));
            check.Term(scale * Power(u), eq, check.Factor(StepSource.After, BiasSegment(l), [j]));
            check.Add(-scale, [eq], Unsigned(circuit.PB[l]), [j]);
            int rows = _config.LayerSizes[l + 1];
            E half = Power(u - 1);
            return check.Build(vo, z => -(half * LessThanPolynomial.Evaluate<E>(z, rows)));
        }

        private StepZeroCheck Gather(string relation, int region, int vc, Reading batch)
        {
            int n = dataset.SampleVariables;
            if (n < _vb)
            {
                throw new InvalidOperationException("A batch larger than the dataset cannot be gathered.");
            }

            (int, int) c = (0, vc), y = (vc, n), yb = (vc + n - _vb, _vb);
            var check = new Check(relation, vc + n);
            int selector = check.Factor(StepSource.Selector, 0, [y], vc, _vb);
            int eqColumns = check.Factor(StepSource.Eq, 1, [c], 0, vc);
            int rows = check.Factor(StepSource.Dataset, region, [y, c]);
            check.Term(E.One, selector, eqColumns, rows);
            int eq = check.Factor(StepSource.Eq, 0, [c, yb], 0, vc + _vb);
            check.Add(-InversePower(n - _vb), [eq], batch, [c, yb]);
            return check.Build(vc + _vb, _ => E.Zero);
        }

        private StepZeroCheck OneHot()
        {
            int vo = circuit.LogWidths[_layers];
            (int, int) j = (0, vo), b = (vo, _vb);
            var check = new Check("one-hot labels", vo + _vb);
            int eq = check.Factor(StepSource.Eq, 0, [b], 0, _vb);
            check.Add(E.One, [eq], Unsigned(circuit.Targets!), [j, b]);
            return check.Build(_vb, _ => E.One);
        }

        /// <summary><c>A_l</c>: the committed batch input for <c>l = 0</c>, else <c>Σ_k 2^(8k)·l_k·e</c> of <c>Z_(l−1)</c>.</summary>
        private Reading Activation(int l)
        {
            if (l == 0)
            {
                return Signed(circuit.Inputs!);
            }

            StepCircuit.Limbs z = circuit.Z[l - 1];
            return new([.. z.Low.Select((segment, k) => (Power(8 * k), new[] { segment, z.Sign }))], E.Zero);
        }

        /// <summary><c>D_l</c>: committed for the output layer, else <c>Q_l</c>'s reading times the sign limb of <c>Z_l</c>.</summary>
        private Reading Error(int l)
        {
            if (l == _layers - 1)
            {
                return Signed(circuit.D);
            }

            Reading q = Signed(circuit.Q[l]);
            int e = circuit.Z[l].Sign;
            (E, int[])[] terms = [.. q.Terms.Select(t => (t.Coefficient, (int[])[.. t.Segments, e])), (q.Constant, new[] { e })];
            return new(terms, E.Zero);
        }

        private static Reading Signed(StepCircuit.Limbs limbs) =>
            new([.. limbs.Low.Select((segment, k) => (Power(8 * k), new[] { segment })), (Power(limbs.Bits), [limbs.Sign])], -Power(limbs.Bits));

        private static Reading Unsigned(StepCircuit.Limbs limbs) => new([.. limbs.Low.Select((segment, k) => (Power(8 * k), new[] { segment }))], E.Zero);

        private static int WeightSegment(int l) => 2 * l;

        private static int BiasSegment(int l) => (2 * l) + 1;
    }

    /// <summary>A tensor's reading as a sum of products of witness segments plus a constant.</summary>
    private sealed record Reading((E Coefficient, int[] Segments)[] Terms, E Constant);

    /// <summary>Accumulates one zero-check's tables (deduplicated by source and index) and terms.</summary>
    private sealed class Check(string relation, int variables)
    {
        private readonly List<StepFactor> _factors = [];
        private readonly List<SumcheckTerm<E>> _terms = [];

        public int Factor(StepSource source, int index, (int, int)[] coordinates, int zStart = 0, int zLength = 0)
        {
            int found = _factors.FindIndex(f => f.Source == source && f.Index == index);
            if (found >= 0)
            {
                return found;
            }

            _factors.Add(new StepFactor(source, index, coordinates, zStart, zLength));
            return _factors.Count - 1;
        }

        public void Term(E coefficient, params int[] factors) => _terms.Add(new SumcheckTerm<E>(coefficient, [.. factors.Order()]));

        /// <summary>Adds <c>coefficient·Π prefix·reading</c>, the reading's segments at <paramref name="coordinates"/>.</summary>
        public void Add(E coefficient, int[] prefix, Reading reading, (int, int)[] coordinates)
        {
            foreach ((E a, int[] segments) in reading.Terms)
            {
                Term(coefficient * a, [.. prefix, .. segments.Select(s => Factor(StepSource.Witness, s, coordinates))]);
            }

            if (reading.Constant != E.Zero)
            {
                Term(coefficient * reading.Constant, prefix);
            }
        }

        /// <summary>Adds <c>eq·first·second</c>, two readings at their coordinates (their segments are distinct).</summary>
        public void Product(int eq, Reading first, (int, int)[] firstCoordinates, Reading second, (int, int)[] secondCoordinates)
        {
            foreach ((E a, int[] segments) in first.Terms)
            {
                int[] factors = [eq, .. segments.Select(s => Factor(StepSource.Witness, s, firstCoordinates))];
                Add(a, factors, second, secondCoordinates);
            }

            if (first.Constant != E.Zero)
            {
                Add(first.Constant, [eq], second, secondCoordinates);
            }
        }

        /// <summary>The zero-check; a relation of no variables gets one dummy variable (every term halved).</summary>
        public StepZeroCheck Build(int pointVariables, Func<E[], E> sum)
        {
            SumcheckTerm<E>[] terms = [.. _terms];
            int v = variables;
            if (v == 0)
            {
                v = 1;
                E half = E.Invert(E.FromUInt64(2));
                terms = [.. terms.Select(t => new SumcheckTerm<E>(t.Coefficient * half, t.Factors))];
            }

            return new StepZeroCheck(relation, v, pointVariables, [.. _factors], terms, sum);
        }
    }
}
