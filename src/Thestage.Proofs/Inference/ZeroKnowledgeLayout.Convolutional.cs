using System.Diagnostics;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The convolutional layer kinds of <c>TSIP</c> v3 (Conv2d, AvgPool2d, MaxPool2d): their zero-checks and the tables the plan fixes
/// (the gather selector, the valid-entry indicators).
/// </summary>
/// <remarks>
/// <para>
/// <b>Gathers</b>. A gathered tensor (an im2col matrix, a pooling window's inputs) is never a committed tensor of the plan. Each gather is a
/// zero-check <c>Σ_(i,b) 2^(−e_X)·Sel(z; i, b)·Ẋ(i, b) − 2^(−e_Y)·Σ eq(z, (row, b))·Ẏ(row, b) = c</c> over <c>(max(i, row), b)</c>: the input's and
/// the rows' domains in one sumcheck, each side replicated over the variables it lacks and scaled back by <c>2^(−extra)</c>, with the selector
/// <c>Sel(z; i, b) = Σ_taps eq(z_rows, row)·[input = i]·eq(z_b, b)</c> a public table (<see cref="StructureTable"/>, the prover's) that the
/// verifier evaluates at the sumcheck's point without building it (<see cref="EvaluateStructure"/>: the channel and kernel fields separated
/// from the spatial correlation, <c>O(k_h·k_w·(C + H_o·W_o))</c>).
/// </para>
/// <para>
/// <b>Conv2d</b> commits its im2col matrix <c>G</c> (<c>(k, s, b)</c>, <see cref="Gathered"/>) as a derived witness segment, proves the
/// convolution over <c>(o, k, s, b)</c> on <c>Ġ</c> as Dense does on its input, and the gather <c>G = Sel·X</c> as the zero-check above
/// (Libra §4.2's alternative, masking the uncommitted <c>G</c>'s claim by a random low-degree term, would need one more committed mask
/// polynomial per gather and a sumcheck over <c>(o, k, i, b)</c> of <c>2^23</c> entries for LeNet-5's second convolution, against <c>2^15</c>
/// committed entries per convolution and sample here). <b>AvgPool2d</b> is that gather requantized (<c>Ẏ = 2^s·q + r</c>). <b>MaxPool2d</b>
/// commits its differences <c>D_j = m − x_j</c> (<see cref="Differences"/>), proves <c>Σ eq·Π_j Ḋ_j = 0</c>, and one gather with powers of a random
/// <c>ρ</c>: <c>Σ_j ρ^j·x_j = Σ_j ρ^j·(m − D_j)</c> and <c>Σ_j ρ^(w+j)·(D_j − l0_j − 2^8·l1_j) = 0</c> (the differences' limbs, range-checked).
/// </para>
/// </remarks>
internal sealed partial class ZeroKnowledgeLayout
{
    /// <summary>
    /// The own table of a factor fixed by the plan and the relation's point <paramref name="z"/> (and a max pooling's window powers): the gather
    /// selector <c>Sel(i, b) = Σ_taps eq(z_rows, row)·[input = i]·eq(z_b, b)</c> (<see cref="ZeroCheckSource.Selector"/>; summed per input first,
    /// one addition per tap as the v1 gather; with <c>2w</c> window powers tap <c>j</c> of each window weighted by <c>ρ^j</c>), or the valid-entry
    /// indicators (<see cref="ZeroCheckSource.ValidBatch"/>, <see cref="ZeroCheckSource.ValidSpatialBatch"/>). The prover and the simulator
    /// tests read these tables through this one method; the verifier evaluates their extensions without them (<see cref="EvaluateStructure"/>).
    /// </summary>
    public static E[] StructureTable(CircuitPlan plan, ZeroCheckFactor factor, ReadOnlySpan<E> z, E[]? powers)
    {
        switch (factor.Source)
        {
            case ZeroCheckSource.Selector:
                (int[] rows, int[] inputs, int logRows) = plan.Taps[factor.Index];
                E[] eqRows = EqPolynomial.Table<E>(z[..logRows]);
                E[] eqBatch = EqPolynomial.Table<E>(z[logRows..]);
                var perInput = new E[plan.Layouts[factor.Index].FeaturesPadded];
                for (int j = 0; j < rows.Length; j++)
                {
                    perInput[inputs[j]] += powers is null ? eqRows[rows[j]] : eqRows[rows[j]] * powers[j % (powers.Length / 2)];
                }

                var selector = new E[perInput.Length * eqBatch.Length];
                for (int i = 0; i < perInput.Length; i++)
                {
                    for (int b = 0; b < eqBatch.Length; b++)
                    {
                        selector[(i * eqBatch.Length) + b] = perInput[i] * eqBatch[b];
                    }
                }

                return selector;
            case ZeroCheckSource.ValidSpatialBatch:
                TensorLayout layout = plan.Layouts[factor.Index];
                var validEntries = new E[layout.SpatialPadded << plan.LogBatch];
                for (int s = 0; s < layout.Spatial; s++)
                {
                    validEntries.AsSpan(s << plan.LogBatch, plan.Batch).Fill(E.One);
                }

                return validEntries;
            case ZeroCheckSource.ValidBatch:
                var valid = new E[1 << plan.LogBatch];
                valid.AsSpan(0, plan.Batch).Fill(E.One);
                return valid;
            default:
                throw new ArgumentException($"A {factor.Source} factor is not fixed by the plan.", nameof(factor));
        }
    }

    /// <summary>The zero-checks of the convolutional layer kinds.</summary>
    private sealed partial class ZeroCheckBuilder
    {
        /// <summary>
        /// Conv2d over <c>(o, k, s, b)</c> on its committed im2col matrix <c>G</c> (segment <paramref name="gathered"/>):
        /// <c>Σ eq·W·Ġ + 2^(−v_k)·eq·(b·[s &lt; S, b &lt; B] − 2^s·q − Σ 2^(8i)·r_i) = −h + 2^s·c_q</c>, <c>eq</c> over the output's <c>(o, s, b)</c>.
        /// </summary>
        public ZeroCheck Convolution(int gathered)
        {
            (int weights, int bias, int logRows, int logColumns) = plan.WeightSegments[layer];
            int logSpatial = plan.Layouts[layer + 1].LogSpatial, logBatch = plan.LogBatch, v = logRows + logColumns + logSpatial + logBatch;
            (int, int) o = (0, logRows), k = (logRows, logColumns), s = (logRows + logColumns, logSpatial), b = (logRows + logColumns + logSpatial, logBatch);
            int eq = Factor(ZeroCheckSource.Eq, 0, [o, s, b]);
            Term(E.One, [eq, Factor(ZeroCheckSource.Weight, weights, [o, k]), Factor(ZeroCheckSource.Witness, gathered, [k, s, b])]);
            E scale = E.Invert(E.FromBase(new Goldilocks(1UL << logColumns)));
            Term(scale, [eq, Factor(ZeroCheckSource.Weight, bias, [o]), Factor(ZeroCheckSource.ValidSpatialBatch, layer + 1, [s, b])]);
            return Requantized(v, scale, [o, s, b], plan.Layouts[layer + 1].LogSize);
        }

        /// <summary>
        /// The gather of Conv2d's im2col matrix: <c>Σ 2^(−e_X)·Sel·Ẋ − 2^(−e_G)·eq·Ġ = 0</c> over <c>(max(i, (k, s)), b)</c>, <c>eq</c> at a random point of
        /// <c>G</c>'s <c>(k, s, b)</c> and <c>Sel</c> the layer's im2col selector there: <c>G</c> is exactly the gathered input.
        /// </summary>
        public ZeroCheck ConvolutionGather(int gathered)
        {
            int logRows = plan.Taps[layer].LogRows;
            (int v, (int, int)[] rows) = Gather(logRows);
            Term(-RowScale(logRows), [0, Factor(ZeroCheckSource.Witness, gathered, rows)]);
            return new ZeroCheck(layer, v, logRows + plan.LogBatch, [.. _factors], [.. _terms], E.Zero, -1);
        }

        /// <summary>AvgPool2d: <c>Σ 2^(−e_X)·Sel·Ẋ − 2^(−e_q)·eq·(2^s·q + Σ 2^(8i)·r_i) = −h + 2^s·c_q</c>, the window sum gathered by <c>Sel</c>.</summary>
        public ZeroCheck AveragePool()
        {
            int logRows = plan.Layouts[layer + 1].LogFeatures;
            (int v, (int, int)[] rows) = Gather(logRows);
            return Requantized(v, RowScale(logRows), rows, logRows + plan.LogBatch);
        }

        /// <summary>
        /// MaxPool2d's product over the output's variables: <c>Σ eq·Π_j Ḋ_j = 0</c>, <c>D_j</c> the committed difference <c>m − x_j</c> of window
        /// offset <c>j</c> (segments <paramref name="differences"/>; round degree <c>1 + 3·window ≤ 49</c>).
        /// </summary>
        public ZeroCheck MaximumProduct(int[] differences)
        {
            int v = plan.Layouts[layer + 1].LogSize;
            (int, int)[] all = [(0, v)];
            Term(E.One, [Factor(ZeroCheckSource.Eq, 0, all), .. differences.Select(d => Factor(ZeroCheckSource.Witness, d, all))]);
            return new ZeroCheck(layer, v, v, [.. _factors], [.. _terms], E.Zero, -1);
        }

        /// <summary>
        /// MaxPool2d's window gather and limbs, with powers of a random <c>ρ</c>:
        /// <c>Σ 2^(−e_X)·Sel_ρ·Ẋ − 2^(−e_m)·eq·(Σ_j ρ^j·ṁ − Σ_j ρ^j·Ḋ_j − Σ_j ρ^(w+j)·(Ḋ_j − l̇0_j − 2^8·l̇1_j)) = 0</c>, <c>Sel_ρ</c> weighting window
        /// offset <c>j</c> by <c>ρ^j</c>: at every output, every input is <c>x_j = m − D_j</c> and every <c>D_j</c> is its range-checked limbs'
        /// value (a polynomial of degree <c>2w − 1</c> in <c>ρ</c>).
        /// </summary>
        public ZeroCheck MaximumGather(int[] differences)
        {
            int logRows = plan.Layouts[layer + 1].LogFeatures, window = plan.Layers[layer].Window;
            (int v, (int, int)[] rows) = Gather(logRows);
            var powers = Enumerable.Repeat(-1, _terms.Count).ToList();
            E scale = RowScale(logRows);
            (List<(E Coefficient, int[] Factors)> maximum, E constant) = Read(layer + 1, rows, 0);
            foreach ((E coefficient, int[] factors) in maximum)
            {
                Term(-(scale * coefficient), [0, .. factors]);
                powers.Add(2 * window);
            }

            if (constant != E.Zero)
            {
                Term(-(scale * constant), [0]);
                powers.Add(2 * window);
            }

            (int L0, int L1)[] limbs = plan.Differences[layer];
            for (int j = 0; j < differences.Length; j++)
            {
                // D_j's coefficient is ρ^j + ρ^(w+j) (code 2w + 1 + j): three terms per offset, 3·16 + 7 ≤ 63 for a 4×4 window.
                Term(scale, [0, Factor(ZeroCheckSource.Witness, differences[j], rows)]);
                Term(-scale, [0, Factor(ZeroCheckSource.Witness, limbs[j].L0, rows)]);
                Term(-(scale * E.FromBase(new Goldilocks(256))), [0, Factor(ZeroCheckSource.Witness, limbs[j].L1, rows)]);
                powers.AddRange([(2 * window) + 1 + j, window + j, window + j]);
            }

            return new ZeroCheck(layer, v, logRows + plan.LogBatch, [.. _factors], [.. _terms], E.Zero, -1, window, [.. powers]);
        }

        /// <summary>
        /// The variables <c>(f, b)</c> of a gather, <c>f</c> the larger of the input's features and the gathered rows, each side replicated over
        /// the rest of <c>f</c>; adds <c>eq</c> (factor 0) over the rows and the input side <c>2^(−e_X)·Sel·Ẋ</c>, returning the rows' coordinates.
        /// </summary>
        private (int Variables, (int, int)[] Rows) Gather(int logRows)
        {
            int source = plan.Source[layer], logInputs = plan.Layouts[layer].LogFeatures, logBatch = plan.LogBatch;
            int f = Math.Max(logInputs, logRows);
            (int, int)[] rows = [(0, logRows), (f, logBatch)], inputs = [(0, logInputs), (f, logBatch)];
            int eq = Factor(ZeroCheckSource.Eq, 0, rows);
            int selector = Factor(ZeroCheckSource.Selector, layer, inputs);
            E scale = E.Invert(E.FromBase(new Goldilocks(1UL << (f - logInputs))));
            (List<(E Coefficient, int[] Factors)> input, E inputConstant) = Read(source, inputs, 0);
            foreach ((E coefficient, int[] factors) in input)
            {
                Term(scale * coefficient, [selector, .. factors]);
            }

            if (inputConstant != E.Zero)
            {
                Term(scale * inputConstant, [selector]);
            }

            Debug.Assert(eq == 0, "Requantized reads eq as factor 0.");
            return (f + logBatch, rows);
        }

        /// <summary>The scale <c>2^(−e)</c> of the gathered rows' side, <c>e</c> the input features beyond the rows.</summary>
        private E RowScale(int logRows) => E.Invert(E.FromBase(new Goldilocks(1UL << Math.Max(0, plan.Layouts[layer].LogFeatures - logRows))));
    }
}
