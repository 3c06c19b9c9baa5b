using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Training;

/// <summary>
/// The relations of one SGD step, written once for both roles: with a witness it proves (computing every message and
/// recording it), without one it verifies (reading the same messages in the same order and checking them). Every
/// check that fails throws <see cref="ProofRejectedException"/> naming the relation, which the verifier turns into its <see cref="ProofVerdict"/>; on the
/// prover's side the checks hold by construction. A third mode, with neither, walks the same relations only to count
/// their soundness terms (<see cref="ForAccounting(StepCircuit, DatasetPolynomial?)"/>), so the soundness figure cannot drift from the protocol.
/// </summary>
/// <remarks>
/// <para>
/// Each relation is an identity between multilinear extensions checked at a fresh random point <c>ζ</c>
/// (Schwartz–Zippel), with the two sides reduced by sumcheck to claims on committed limbs, on the snapshot weights
/// and on the public batch. With <c>h = 2^(f−1)</c>, <c>M</c> the indicator of real (unpadded) entries:
/// </para>
/// <list type="bullet">
/// <item><description>forward, layer <c>l</c>: <c>Σ_i W_l[j,i]·A_l[i,b] + 2^f·b_l[j] + h·M = 2^f·Z_l + R_l</c>, the sum by a
/// matrix-vector sumcheck over <c>i</c> (Thaler, CRYPTO 2013);</description></item>
/// <item><description>output error: <c>D_(L−1) = Z_(L−1) − T</c>, <c>T[j,b] = 2^f·[j = label_b]</c> evaluated by the verifier;</description></item>
/// <item><description>backward, hidden <c>l</c>: <c>Σ_j W_(l+1)[j,i]·D_(l+1)[j,b] + h·M = 2^f·Q_l + S_l</c>;</description></item>
/// <item><description>update: <c>Σ_b D_l[j,b]·A_l[i,b] + 2^(u−1)·M = 2^u·(W_l − W′_l) + P_l</c> by a sumcheck over <c>b</c>, and
/// <c>2^f·B·D̃_l(ζ, ½, …, ½) + 2^(u−1)·M = 2^u·(b_l − b′_l) + PB_l</c> (the batch sum of a multilinear function is
/// <c>B</c> times its value at the centre);</description></item>
/// <item><description>virtual tensors: <c>A_l = Z_(l−1)·e_(l−1)</c> and hidden <c>D_l = Q_l·e_l</c> (<c>e</c> the sign limb of
/// <c>Z</c>, i.e. the ReLU mask <c>[z ≥ 0]</c>) by degree-3 sumchecks <c>Σ_x eq(ζ, x)·Z(x)·e(x)</c>; <c>A_0</c> is the
/// opened batch, or in a hiding run the gathered rows of the committed dataset (below).</description></item>
/// </list>
/// <para>
/// In a hiding run (<see cref="HiddenBatch"/>) the batch is never opened. The step commits the batch's input <c>A_0</c> (signed
/// <c>V</c>-bit limbs) and one-hot targets <c>T</c> (byte limbs) with its witness (<see cref="StepCircuit.Inputs"/>,
/// <see cref="StepCircuit.Targets"/>), so the claims on <c>A_0</c> and the output error <c>D = Z − 2^f·T</c> become limb claims,
/// and three more relations tie them to the committed dataset: "batch features", <c>Ã_0(ζ) = Σ_b eq(ζ_b, b)·X̃(i_b, 0‖ζ_i)</c>, and
/// "batch labels", <c>T̃(ζ) = Σ_b eq(ζ_b, b)·X̃(i_b, 1‖ζ_j)</c>, each at a fresh point and reduced by the gather sumcheck of
/// <see cref="DatasetPolynomial"/> (over the sample variables, its selector built from the schedule's public indices) to a claim on
/// the dataset, collected in <see cref="Dataset"/> for the step proof's one dataset opening; and "one-hot labels",
/// <c>2^⌈log2 C⌉·T̃(½, …, ½, ζ_b) = 1</c>: every column of <c>T</c> sums to one, and its entries are bytes (the logUp), so each is
/// one-hot — as integers, since <c>2^⌈log2 C⌉·255 &lt; p</c>. A hot row <c>j ≥ C</c> would put <c>δ = −2^f</c> in a padded output
/// row, which the bias update's range-checked remainder refuses (padded biases are zero before and after).
/// </para>
/// </remarks>
internal sealed partial class StepRelations
{
    private const string PointLabel = "step/zeta";
    private const string LimbLabel = "step/limbs";
    private const string BiasLabel = "step/bias";
    private const string UpdateLabel = "step/update";

    private readonly StepCircuit _circuit;
    private readonly Transcript _transcript;
    private readonly Goldilocks[] _inputs;
    private readonly int[] _labels;
    private readonly StepWitness? _witness;
    private readonly ProofBuilder<E>? _builder;
    private readonly ProofCursor<E>? _cursor;
    private readonly HiddenBatch? _hidden;
    private string _relation = "lookup";

    private StepRelations(
        StepCircuit circuit, Transcript transcript, Goldilocks[] inputs, int[] labels, StepWitness? witness, ProofBuilder<E>? builder, ProofCursor<E>? cursor,
        HiddenBatch? hidden = null)
    {
        _hidden = hidden;
        _circuit = circuit;
        _transcript = transcript;
        _inputs = inputs;
        _labels = labels;
        _witness = witness;
        _builder = builder;
        _cursor = cursor;
    }

    /// <summary>Gets the claims on the committed limb segments.</summary>
    public List<SegmentClaim<E>> Advice { get; } = [];

    /// <summary>Gets the claims on the snapshot before the step (segments of <see cref="WeightCommitment.Layout"/>).</summary>
    public List<SegmentClaim<E>> Before { get; } = [];

    /// <summary>Gets the claims on the snapshot after the step.</summary>
    public List<SegmentClaim<E>> After { get; } = [];

    /// <summary>Gets the claims on a hiding run's committed dataset (<see cref="DatasetPolynomial"/>); empty when the batch is opened.</summary>
    public List<SegmentClaim<E>> Dataset { get; } = [];

    /// <summary>
    /// Gets, after <see cref="Run"/>, the sum of the relations' Schwartz–Zippel and sumcheck terms in units of <c>1/|E|</c>:
    /// <c>v</c> per identity checked at a random point of <c>v</c> variables, <c>d·v</c> per sumcheck of degree <c>d</c> over
    /// <c>v</c> variables (the logUp, batching and opening terms are counted by <see cref="TrainingStepVerifier.SoundnessBits"/>).
    /// </summary>
    public double SoundnessTerms { get; private set; }

    /// <summary>The base-field entries the masks of the relations' sumchecks read when zero-knowledge (<see cref="SumcheckMask{T}"/>).</summary>
    public long MaskEntries { get; private set; }

    /// <summary>The number of the relations' sumchecks.</summary>
    public int SumcheckCount { get; private set; }

    private bool Proving => _witness is not null;

    private bool Accounting => _witness is null && _cursor is null;

    public static StepRelations ForProver(StepCircuit circuit, Transcript transcript, Goldilocks[] inputs, int[] labels, StepWitness witness, ProofBuilder<E> builder) =>
        new(circuit, transcript, inputs, labels, witness, builder, null);

    public static StepRelations ForVerifier(StepCircuit circuit, Transcript transcript, Goldilocks[] inputs, int[] labels, ProofCursor<E> cursor) =>
        new(circuit, transcript, inputs, labels, null, null, cursor);

    /// <summary>The prover of a hiding run: the batch's samples are gathered from the committed dataset (<paramref name="batch"/> with its table).</summary>
    public static StepRelations ForProver(StepCircuit circuit, Transcript transcript, HiddenBatch batch, StepWitness witness, ProofBuilder<E> builder) =>
        new(circuit, transcript, [], [], witness, builder, null, batch);

    /// <summary>The verifier of a hiding run (<paramref name="batch"/> without a table: the indices are public).</summary>
    public static StepRelations ForVerifier(StepCircuit circuit, Transcript transcript, HiddenBatch batch, ProofCursor<E> cursor) =>
        new(circuit, transcript, [], [], null, null, cursor, batch);

    /// <summary>Relations that receive zeros and check nothing; <see cref="Run"/> then leaves the claim counts and <see cref="SoundnessTerms"/>.</summary>
    /// <param name="circuit">The step's circuit.</param>
    /// <param name="dataset">A hiding run's dataset layout (its gathers are counted), or null when the batch is opened.</param>
    public static StepRelations ForAccounting(StepCircuit circuit, DatasetPolynomial? dataset = null) =>
        new(circuit, new Transcript("thestage.training.step.accounting"), [], [], null, null, null, dataset is null ? null : new HiddenBatch(dataset, [], null));

    /// <summary>Runs the range checks and every relation of the step, collecting the claims for the openings.</summary>
    public void Run()
    {
        if (ZeroKnowledge is not null)
        {
            RunZeroKnowledge();
            return;
        }

        Lookups();
        int layers = _circuit.Layers;
        for (int l = 0; l < layers; l++)
        {
            Forward(l);
        }

        OutputError();
        for (int l = layers - 2; l >= 0; l--)
        {
            Backward(l);
        }

        for (int l = 0; l < layers; l++)
        {
            Update(l);
            UpdateBias(l);
        }

        if (_hidden is not null)
        {
            Samples();
        }
    }

    /// <summary>A hiding run's batch: the committed input and targets are the gathered rows of the dataset, and the targets one-hot.</summary>
    private void Samples()
    {
        int logIn = _circuit.LogWidths[0], logOut = _circuit.LogWidths[_circuit.Layers], logBatch = _circuit.LogBatch;
        _relation = "batch features";
        E[] zeta = Point(logIn + logBatch);
        Gather(DatasetPolynomial.FeatureRegion, zeta[..logIn], zeta[logIn..], Open(_circuit.Inputs!, zeta).Value);

        _relation = "batch labels";
        zeta = Point(logOut + logBatch);
        Gather(DatasetPolynomial.LabelRegion, zeta[..logOut], zeta[logOut..], Open(_circuit.Targets!, zeta).Value);

        _relation = "one-hot labels";
        E half = E.Invert(E.FromUInt64(2));
        E[] centre = [.. Enumerable.Repeat(half, logOut), .. Point(logBatch)];
        Require(Open(_circuit.Targets!, centre).Value * StepCircuit.Power(logOut) == E.One);
    }

    private void Lookups()
    {
        var specs = _circuit.LookupColumns.Select(c => new LookupColumnSpec(_circuit.LogSizes[c.Segment], c.Scale)).ToArray();
        if (Accounting)
        {
            // The logUp's own error is counted from the column sizes; only the claims it leaves matter here.
            for (int j = 0; j < specs.Length; j++)
            {
                Advice.Add(new(_circuit.LookupColumns[j].Segment, new E[specs[j].LogSize], E.Zero));
            }

            Advice.Add(new(_circuit.Multiplicities, new E[StepCircuit.TableBits], E.Zero));
            return;
        }

        LogUpClaims<E> claims;
        if (Proving)
        {
            Goldilocks[][] segments = _witness!.Segments;
            var columns = _circuit.LookupColumns.Select(c => (segments[c.Segment], c.Scale)).ToList();
            claims = LogUpArgument.Prove(_transcript, _builder!, columns, segments[_circuit.Multiplicities], StepCircuit.TableBits);
        }
        else
        {
            claims = LogUpArgument.Check(_transcript, _cursor!, specs, StepCircuit.TableBits);
        }

        for (int j = 0; j < specs.Length; j++)
        {
            Advice.Add(new(_circuit.LookupColumns[j].Segment, claims.ColumnPoints[j], claims.ColumnValues[j]));
        }

        Advice.Add(new(_circuit.Multiplicities, claims.MultiplicityPoint, claims.MultiplicityValue));
    }

    private void Forward(int l)
    {
        _relation = $"forward, layer {l}";
        TrainingConfig config = _circuit.Config;
        int logOut = _circuit.LogWidths[l + 1], logIn = _circuit.LogWidths[l];
        E[] zeta = Point(logOut + _circuit.LogBatch);
        E[] rows = zeta[..logOut], batch = zeta[logOut..];
        E z = Open(_circuit.Z[l], zeta).Value;
        E r = Open(_circuit.R[l], zeta).Value;
        E bias = Receive(BiasLabel, 1, () => [Evaluate(_witness!.Before[BiasSegment(l)], rows)])[0];
        Before.Add(new(BiasSegment(l), rows, bias));
        E claim = (StepCircuit.Power(config.FractionalBits) * (z - bias)) + r
            - (StepCircuit.Power(config.FractionalBits - 1) * LessThanPolynomial.Evaluate<E>(rows, config.LayerSizes[l + 1]));
        (E[] s, E[] values) = Sumcheck(claim, logIn, 2, () =>
        [
            new MultilinearPolynomial<E>(RowCombination(_witness!.Before[WeightSegment(l)], rows, 1 << logIn)),
            new MultilinearPolynomial<E>(BatchCombination(_witness!.A[l], batch)),
        ]);
        Before.Add(new(WeightSegment(l), [.. rows, .. s], values[0]));
        ClaimActivation(l, [.. s, .. batch], values[1]);
    }

    private void OutputError()
    {
        _relation = "output error";
        TrainingConfig config = _circuit.Config;
        int layers = _circuit.Layers;
        int logOut = _circuit.LogWidths[layers];
        E[] zeta = Point(logOut + _circuit.LogBatch);
        E d = Open(_circuit.D, zeta).Value;
        E z = Open(_circuit.Z[layers - 1], zeta).Value;
        if (_hidden is not null)
        {
            // T is committed (one-hot, tied to the dataset by Samples).
            Require(d == z - (StepCircuit.Power(config.FractionalBits) * Open(_circuit.Targets!, zeta).Value));
            return;
        }

        E[] eqRows = EqPolynomial.Table<E>(zeta.AsSpan(0, logOut));
        E[] eqBatch = EqPolynomial.Table<E>(zeta.AsSpan(logOut));
        E target = E.Zero;
        for (int b = 0; b < _labels.Length; b++)
        {
            target += eqBatch[b] * eqRows[_labels[b]];
        }

        Require(d == z - (StepCircuit.Power(config.FractionalBits) * target));
    }

    private void Backward(int l)
    {
        _relation = $"backward, layer {l}";
        TrainingConfig config = _circuit.Config;
        int logMid = _circuit.LogWidths[l + 1], logOut = _circuit.LogWidths[l + 2];
        E[] zeta = Point(logMid + _circuit.LogBatch);
        E[] columns = zeta[..logMid], batch = zeta[logMid..];
        E q = Open(_circuit.Q[l], zeta).Value;
        E s = Open(_circuit.S[l], zeta).Value;
        E claim = (StepCircuit.Power(config.FractionalBits) * q) + s
            - (StepCircuit.Power(config.FractionalBits - 1) * LessThanPolynomial.Evaluate<E>(columns, config.LayerSizes[l + 1]));
        (E[] point, E[] values) = Sumcheck(claim, logOut, 2, () =>
        [
            new MultilinearPolynomial<E>(ColumnCombination(_witness!.Before[WeightSegment(l + 1)], columns, 1 << logOut)),
            new MultilinearPolynomial<E>(BatchCombination(_witness!.D[l + 1], batch)),
        ]);
        Before.Add(new(WeightSegment(l + 1), [.. point, .. columns], values[0]));
        ClaimError(l + 1, [.. point, .. batch], values[1]);
    }

    private void Update(int l)
    {
        _relation = $"weight update, layer {l}";
        TrainingConfig config = _circuit.Config;
        int logOut = _circuit.LogWidths[l + 1], logIn = _circuit.LogWidths[l];
        E[] zeta = Point(logOut + logIn);
        E[] rows = zeta[..logOut], columns = zeta[logOut..];
        E[] weights = Receive(UpdateLabel, 2, () => [Evaluate(_witness!.Before[WeightSegment(l)], zeta), Evaluate(_witness!.After[WeightSegment(l)], zeta)]);
        Before.Add(new(WeightSegment(l), zeta, weights[0]));
        After.Add(new(WeightSegment(l), zeta, weights[1]));
        E remainder = Open(_circuit.P[l], zeta).Value;
        int u = config.UpdateShift;
        E mask = LessThanPolynomial.Evaluate<E>(rows, config.LayerSizes[l + 1]) * LessThanPolynomial.Evaluate<E>(columns, config.LayerSizes[l]);
        E claim = (StepCircuit.Power(u) * (weights[0] - weights[1])) + remainder - (StepCircuit.Power(u - 1) * mask);
        (E[] s, E[] values) = Sumcheck(claim, _circuit.LogBatch, 2, () =>
        [
            new MultilinearPolynomial<E>(FeatureCombination(_witness!.D[l], rows)),
            new MultilinearPolynomial<E>(FeatureCombination(_witness!.A[l], columns)),
        ]);
        ClaimError(l, [.. rows, .. s], values[0]);
        ClaimActivation(l, [.. columns, .. s], values[1]);
    }

    private void UpdateBias(int l)
    {
        _relation = $"bias update, layer {l}";
        TrainingConfig config = _circuit.Config;
        int logOut = _circuit.LogWidths[l + 1];
        E[] zeta = Point(logOut);
        E[] biases = Receive(UpdateLabel, 2, () => [Evaluate(_witness!.Before[BiasSegment(l)], zeta), Evaluate(_witness!.After[BiasSegment(l)], zeta)]);
        Before.Add(new(BiasSegment(l), zeta, biases[0]));
        After.Add(new(BiasSegment(l), zeta, biases[1]));
        E remainder = Open(_circuit.PB[l], zeta).Value;
        int u = config.UpdateShift;
        E sum = (StepCircuit.Power(u) * (biases[0] - biases[1])) + remainder
            - (StepCircuit.Power(u - 1) * LessThanPolynomial.Evaluate<E>(zeta, config.LayerSizes[l + 1]));

        // Σ_b D̃(ζ, b) = B·D̃(ζ, ½, …, ½), and the bias gradient is 2^f times that sum.
        E half = E.Invert(E.FromUInt64(2));
        E[] centre = [.. zeta, .. Enumerable.Repeat(half, _circuit.LogBatch)];
        E scale = E.Invert(StepCircuit.Power(config.FractionalBits + _circuit.LogBatch));
        ClaimError(l, centre, sum * scale);
    }

    /// <summary>Reduces a claim <c>Ã_l(point) = value</c>: the opened batch for <c>l = 0</c>, else <c>Z_(l−1)·e_(l−1)</c>.</summary>
    private void ClaimActivation(int l, E[] point, E value)
    {
        if (l == 0 && _hidden is not null)
        {
            // A_0 is committed (V-bit limbs, tied to the dataset by Samples).
            Require(Open(_circuit.Inputs!, point).Value == value);
            return;
        }

        if (l == 0)
        {
            Require(Accounting || Evaluate(_inputs, point) == value);
            return;
        }

        StepCircuit.Limbs z = _circuit.Z[l - 1];
        (E[] s, E[] values) = Sumcheck(value, point.Length, 3, () =>
            [new MultilinearPolynomial<E>(EqPolynomial.Table<E>(point)), new(Lift(_witness!.Z[l - 1])), new(Lift(_witness!.Segments[z.Sign]))]);
        (E zValue, E sign) = Open(z, s);
        Require(values[0] == EqPolynomial.Evaluate<E>(point, s) && values[1] == zValue && values[2] == sign);
    }

    /// <summary>
    /// Reduces a claim <c>Σ_b eq(batch, b)·X̃(i_b, col(coordinates)) = claim</c> on the batch's samples to a claim on the committed
    /// dataset, by the gather sumcheck over the sample variables (<see cref="DatasetPolynomial"/>, remarks).
    /// </summary>
    private void Gather(int region, E[] coordinates, E[] batch, E claim)
    {
        DatasetPolynomial data = _hidden!.Polynomial;
        (E[] r, E[] values) = Sumcheck(claim, data.SampleVariables, 2, () =>
        [
            new MultilinearPolynomial<E>(data.Selection(batch, _hidden.Indices)),
            new MultilinearPolynomial<E>(data.Rows(_hidden.Table!, region, coordinates)),
        ]);
        Require(Accounting || values[0] == DatasetPolynomial.SelectionAt(batch, _hidden.Indices, r));
        E[] column = region == DatasetPolynomial.FeatureRegion ? data.FeaturePoint(coordinates) : data.LabelPoint(coordinates);
        Dataset.Add(new(0, [.. r, .. column], values[1]));
    }

    /// <summary>Reduces a claim <c>D̃_l(point) = value</c>: committed for the output layer, else <c>Q_l·e_l</c>.</summary>
    private void ClaimError(int l, E[] point, E value)
    {
        if (l == _circuit.Layers - 1)
        {
            Require(Open(_circuit.D, point).Value == value);
            return;
        }

        int signSegment = _circuit.Z[l].Sign;
        (E[] s, E[] values) = Sumcheck(value, point.Length, 3, () =>
            [new MultilinearPolynomial<E>(EqPolynomial.Table<E>(point)), new(Lift(_witness!.Q[l])), new(Lift(_witness!.Segments[signSegment]))]);
        E q = Open(_circuit.Q[l], s).Value;
        E sign = Receive(LimbLabel, 1, () => [Evaluate(_witness!.Segments[signSegment], s)])[0];
        Advice.Add(new(signSegment, _circuit.SegmentPoint(signSegment, s), sign));
        Require(values[0] == EqPolynomial.Evaluate<E>(point, s) && values[1] == q && values[2] == sign);
    }

    /// <summary>Receives the limb evaluations of a committed tensor at a point, records the claims, and recomposes.</summary>
    private (E Value, E Sign) Open(StepCircuit.Limbs limbs, E[] point)
    {
        int[] segments = limbs.All;
        E[] values = Receive(LimbLabel, segments.Length, () => segments.Select(seg => Evaluate(_witness!.Segments[seg], _circuit.SegmentPoint(seg, point))).ToArray());
        for (int k = 0; k < segments.Length; k++)
        {
            Advice.Add(new(segments[k], _circuit.SegmentPoint(segments[k], point), values[k]));
        }

        return (StepCircuit.Recompose(limbs, values), limbs.Signed ? values[^1] : E.Zero);
    }

    /// <summary>Draws the random point of an identity over <paramref name="variables"/> variables (Schwartz–Zippel: <c>v/|E|</c>).</summary>
    private E[] Point(int variables)
    {
        SoundnessTerms += variables;
        return _transcript.Challenges<E>(PointLabel, variables);
    }

    private E[] Receive(string label, int count, Func<E[]> compute)
    {
        if (Proving)
        {
            E[] values = compute();
            _builder!.Send(_transcript, label, values);
            return values;
        }

        if (Accounting)
        {
            return new E[count];
        }

        Require(_cursor!.TryReceive(_transcript, label, count, out E[] received), RejectionReason.Format);
        return received;
    }

    private (E[] Point, E[] Values) Sumcheck(E claim, int variables, int degree, Func<MultilinearPolynomial<E>[]> factors)
    {
        SoundnessTerms += degree * variables;
        MaskEntries += SumcheckMask<E>.Entries(variables, degree);
        SumcheckCount++;
        if (Accounting)
        {
            return (new E[variables], new E[degree]);
        }

        if (Proving)
        {
            SumcheckProverOutput<E> output = SumcheckProver.Prove(_transcript, claim, factors(), _builder!.Masks);
            _builder!.AddSumcheck(output.Proof);
            return (output.Point.ToArray(), output.Proof.FactorEvaluations.ToArray());
        }

        if (!_cursor!.TryNextSumcheck(out SumcheckProof<E>? proof))
        {
            ProofVerdict.Throw(RejectionReason.Format, _relation);
        }

        SumcheckVerification<E> result = SumcheckVerifier.Verify(_transcript, claim, variables, degree, proof, _cursor.Masks);
        ProofVerdict.Require(result, RejectionReason.Relation, _relation);
        return (result.Point.ToArray(), result.FactorEvaluations.ToArray());
    }

    private static int WeightSegment(int l) => 2 * l;

    private static int BiasSegment(int l) => (2 * l) + 1;

    /// <summary>A verifier check; the prover only emits messages (a cheating prover's witness goes through unchecked), and accounting checks nothing.</summary>
    private void Require(bool condition, RejectionReason reason = RejectionReason.Relation)
    {
        if (!Proving && !Accounting && !condition)
        {
            ProofVerdict.Throw(reason, _relation);
        }
    }

    private static E Evaluate(Goldilocks[] table, ReadOnlySpan<E> point) => MatrixMultiplicationSumcheck.EvaluateMatrix(table, point);

    private static E[] Lift(Goldilocks[] table) => Array.ConvertAll(table, E.FromBase);

    /// <summary><c>Σ_j eq(rows, j)·M[j, i]</c> for a row-major matrix with <paramref name="columns"/> entries per row.</summary>
    private static E[] RowCombination(Goldilocks[] matrix, E[] rows, int columns)
    {
        E[] eq = EqPolynomial.Table<E>(rows);
        var result = new E[columns];
        for (int j = 0; j < eq.Length; j++)
        {
            Ext2Kernels.AddScaledBase(result, eq[j], matrix.AsSpan(j * columns, columns));
        }

        return result;
    }

    /// <summary><c>Σ_i eq(columns, i)·M[j, i]</c> for every row <c>j</c> of a row-major matrix with <paramref name="rows"/> rows.</summary>
    private static E[] ColumnCombination(Goldilocks[] matrix, E[] columns, int rows)
    {
        E[] eq = EqPolynomial.Table<E>(columns);
        var result = new E[rows];
        for (int j = 0; j < rows; j++)
        {
            result[j] = Ext2Kernels.DotBase(eq, matrix.AsSpan(j * eq.Length, eq.Length));
        }

        return result;
    }

    /// <summary><c>Σ_b eq(batch, b)·X[i, b]</c> for every feature <c>i</c> of a feature-major tensor.</summary>
    private static E[] BatchCombination(Goldilocks[] tensor, E[] batch) => ColumnCombination(tensor, batch, tensor.Length >> batch.Length);

    /// <summary><c>Σ_i eq(features, i)·X[i, b]</c> for every sample <c>b</c> of a feature-major tensor.</summary>
    private static E[] FeatureCombination(Goldilocks[] tensor, E[] features) => RowCombination(tensor, features, tensor.Length >> features.Length);

    /// <summary>A hiding run's batch: the dataset's layout, the schedule's sample indices, and (the prover's) the dataset's table.</summary>
    /// <param name="Polynomial">The layout of the committed dataset.</param>
    /// <param name="Indices">The batch's sample indices, in batch order (public).</param>
    /// <param name="Table">The dataset's evaluation table (prover only).</param>
    internal sealed record HiddenBatch(DatasetPolynomial Polynomial, int[] Indices, Goldilocks[]? Table);
}
