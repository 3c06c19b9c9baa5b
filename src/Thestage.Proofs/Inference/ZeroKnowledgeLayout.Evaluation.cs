using System.Numerics;
using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The verifier's evaluations of the plan-fixed factors of a zero-check at the sumcheck's point, without their tables: the same values
/// as the multilinear extensions of <see cref="StructureTable"/>'s tables (the prover keeps the tables), in time and memory of the order of
/// the factor's small axes instead of the table.
/// </summary>
/// <remarks>
/// <para>
/// <b>Notation.</b> Every index is read with its first variable most significant (<see cref="MultilinearPolynomial{T}"/>), so an index
/// <c>(a·2^m + c)</c> of two fields is the point <c>(x_a, x_c)</c> and <c>eq((z_a, z_c), (a, c)) = eq(z_a, a)·eq(z_c, c)</c>; a tensor's
/// feature is <c>(channel, position)</c> with the position <c>y·W + x</c> row-major in a field of <c>⌈log₂(H·W)⌉</c> bits
/// (<see cref="TensorLayout"/>). The multilinear extension of a table <c>T</c> at a point <c>r</c> is <c>Σ_i T[i]·eq(r, i)</c>.
/// </para>
/// <para>
/// <b>Gather selector</b> (<see cref="ZeroCheckSource.Selector"/>), own point <c>(r_c, r_s, r_b)</c> over the input's channel, position and
/// sample fields, relation point <c>z = (z_rows, z_b)</c>: the table <c>Sel(i, b) = Σ_taps ω_t·eq(z_rows, row_t)·[input_t = i]·eq(z_b, b)</c>
/// has the extension
/// <c>Sel~(r) = eq(z_b, r_b)·Σ_taps ω_t·eq(z_rows, row_t)·eq((r_c, r_s), input_t)</c> (the batch sums out:
/// <c>Σ_b eq(z_b, b)·eq(r_b, b) = eq(z_b, r_b)</c>), and the taps are a product of per-field index maps:
/// </para>
/// <list type="bullet">
/// <item><description>Conv2d, stride <c>σ</c>, padding <c>π</c>: tap <c>(c, k_y, k_x, o_y, o_x)</c> has row <c>(k, o)</c> with kernel column
/// <c>k = (c·k_h + k_y)·k_w + k_x</c> (field of <c>⌈log₂(C·k_h·k_w)⌉</c> bits) and output position <c>o = o_y·W_o + o_x</c>, and input
/// <c>(c, i_y·W + i_x)</c> with <c>i_y = σ·o_y + k_y − π</c>, <c>i_x = σ·o_x + k_x − π</c>, present when <c>0 ≤ i_y &lt; H</c> and
/// <c>0 ≤ i_x &lt; W</c>. So
/// <c>Σ_taps = Σ_(k_y, k_x) K[k_y, k_x]·Σ_(o_y, o_x) eq(z_o, o_y·W_o + o_x)·eq(r_s, i_y·W + i_x)</c> with the kernel weight
/// <c>K[k_y, k_x] = Σ_(c &lt; C) eq(z_k, (c·k_h + k_y)·k_w + k_x)·eq(r_c, c)</c>: the channel sum is separated from the spatial one.</description></item>
/// <item><description>AvgPool2d / MaxPool2d (window <c>k_h × k_w</c>, stride the window): tap <c>(c, o_y, o_x, k_y, k_x)</c> has row
/// <c>(c, o_y·W_o + o_x)</c> and input <c>(c, (k_h·o_y + k_y)·W + k_w·o_x + k_x)</c>, weighted by <c>ω = ρ^(k_y·k_w + k_x)</c> (max pooling's
/// window combination) or 1. The channel is copied, so its factor is
/// <c>Σ_(c &lt; C) eq(z_c, c)·eq(r_c, c) = Σ_(c &lt; C) Π_j f_j(c_j)</c> with <c>f_j(1) = z_j·r_j</c>, <c>f_j(0) = (1 − z_j)(1 − r_j)</c>, summed
/// over the prefix <c>c &lt; C</c> as <see cref="LessThanPolynomial"/> does (at the first bit where <c>c</c> and <c>C</c> differ, <c>C</c> has a 1:
/// <c>Σ_(i : C_i = 1) Π_(j&lt;i) f_j(C_j)·f_i(0)·Π_(j&gt;i)(f_j(0) + f_j(1))</c>, <c>O(log C)</c>), and the spatial part is the correlation
/// above with <c>K = ω</c>, <c>σ = (k_h, k_w)</c>, <c>π = 0</c>.</description></item>
/// </list>
/// <para>
/// Per axis: the row and column of a position <c>y·W + x</c> share one field, so when the width <c>W</c> is not a power of two the spatial
/// correlation does not split further; it is summed row by row over the valid output range of each kernel offset (the padding is the range,
/// not a test per tap), from the equality tables of the output positions (<c>2^⌈log₂(H_o·W_o)⌉</c>) and of the input positions:
/// <c>k_h·k_w·H_o·W_o</c> multiplications. When the input's <c>W</c> is a power of two the position is the field pair <c>(y, x)</c>, its
/// equality factor <c>eq(r_y, y)·eq(r_x, x)</c>, and the sum factors per axis (<see cref="CorrelateSeparable"/>, <c>k_h·W_o·(k_w + H_o)</c>).
/// The output position keeps one field (the output width is rarely a power of two). Cost beside the correlation: the equality tables of the
/// small fields (<c>2^logK</c>, <c>2^log C</c>, output and input positions) and <c>k_h·k_w·C</c> for the kernel weights — for LeNet-5's first
/// convolution (a 32×32 input) about 7,000 multiplications instead of the <c>2^15</c>-entry row table, the <c>19,600</c> taps and the
/// <c>2^10</c>-entry selector table folded, and no taps at all (<see cref="CircuitPlan.Taps"/> is built on the prover's side only).
/// </para>
/// <para>
/// <b>Valid-entry indicators</b> (<see cref="ZeroCheckSource.ValidBatch"/>, <see cref="ZeroCheckSource.ValidSpatialBatch"/>): boxes,
/// evaluated by <see cref="BoxIndicator"/> in <c>O(log)</c>.
/// </para>
/// </remarks>
internal sealed partial class ZeroKnowledgeLayout
{
    /// <summary>
    /// Evaluates the multilinear extension of <see cref="StructureTable"/>'s table of <paramref name="factor"/> (for relation point
    /// <paramref name="z"/> and window powers <paramref name="powers"/>) at the factor's own point <paramref name="own"/>, without the table.
    /// </summary>
    /// <exception cref="ArgumentException">The factor is not fixed by the plan, or a point's length does not match its fields.</exception>
    public static E EvaluateStructure(CircuitPlan plan, ZeroCheckFactor factor, ReadOnlySpan<E> z, E[]? powers, ReadOnlySpan<E> own)
    {
        switch (factor.Source)
        {
            case ZeroCheckSource.Selector:
                return SelectorAt(plan, factor.Index, z, powers, own);
            case ZeroCheckSource.ValidSpatialBatch:
                TensorLayout layout = plan.Layouts[factor.Index];
                return BoxIndicator.Evaluate(own, [(layout.LogSpatial, layout.Spatial), (plan.LogBatch, plan.Batch)]);
            case ZeroCheckSource.ValidBatch:
                return BoxIndicator.Evaluate(own, [(plan.LogBatch, plan.Batch)]);
            default:
                throw new ArgumentException($"A {factor.Source} factor is not fixed by the plan.", nameof(factor));
        }
    }

    /// <summary>The gather selector of layer <paramref name="layer"/> at <paramref name="own"/> (see remarks).</summary>
    private static E SelectorAt(CircuitPlan plan, int layer, ReadOnlySpan<E> z, E[]? powers, ReadOnlySpan<E> own)
    {
        CircuitLayer kind = plan.Layers[layer];
        TensorLayout inLayout = plan.Layouts[layer], outLayout = plan.Layouts[layer + 1];
        Shape input = plan.Shapes[layer], output = plan.Shapes[layer + 1];
        int logRows = kind.Kind == LayerKind.Conv2d
            ? TensorLayout.CeilLog2(input.Channels * kind.KernelHeight * kind.KernelWidth) + outLayout.LogSpatial
            : outLayout.LogFeatures;
        if (kind.Kind is not (LayerKind.Conv2d or LayerKind.AvgPool2d or LayerKind.MaxPool2d))
        {
            throw new ArgumentException($"A {kind.Kind} layer has no gather selector.", nameof(layer));
        }

        if (z.Length != logRows + plan.LogBatch || own.Length != inLayout.LogSize)
        {
            throw new ArgumentException("The points do not match the selector's fields.", nameof(own));
        }

        int window = kind.KernelHeight * kind.KernelWidth;
        ReadOnlySpan<E> channelPoint = own[..inLayout.LogChannels];
        ReadOnlySpan<E> positions = own[inLayout.LogChannels..inLayout.LogFeatures];
        var weights = new E[window];
        if (kind.Kind == LayerKind.Conv2d)
        {
            int logKernel = logRows - outLayout.LogSpatial;
            E[] kernel = EqPolynomial.Table(z[..logKernel]);
            E[] inputChannels = EqPolynomial.Table(channelPoint);
            for (int c = 0; c < input.Channels; c++)
            {
                Ext2Kernels.AddScaled(weights, inputChannels[c], kernel.AsSpan(c * window, window));
            }

            E[] outputPositions = EqPolynomial.Table(z[logKernel..logRows]);
            return Correlate(outputPositions, positions, weights, input, output, kind.KernelHeight, kind.KernelWidth, kind.Stride, kind.Stride, kind.Padding)
                * EqPolynomial.Evaluate(z[logRows..], own[inLayout.LogFeatures..]);
        }

        if (powers is null)
        {
            weights.AsSpan().Fill(E.One);
        }
        else
        {
            powers.AsSpan(0, window).CopyTo(weights);
        }

        E channels = CopiedPrefix(z[..outLayout.LogChannels], channelPoint, input.Channels);
        E[] outputs = EqPolynomial.Table(z[outLayout.LogChannels..logRows]);
        return channels * Correlate(outputs, positions, weights, input, output, kind.KernelHeight, kind.KernelWidth, kind.KernelHeight, kind.KernelWidth, 0)
            * EqPolynomial.Evaluate(z[logRows..], own[inLayout.LogFeatures..]);
    }

    /// <summary>
    /// <c>Σ_(o_y, o_x) outputs[o_y·W_o + o_x]·Σ_(k_y, k_x) weights[k_y·k_w + k_x]·positions[i_y·W + i_x]</c> over the taps inside the input,
    /// <c>i_y = σ_y·o_y + k_y − π</c>, <c>i_x = σ_x·o_x + k_x − π</c>: per output row, the kernel offsets' contributions accumulated over
    /// their valid output columns, then one dot product with the row's output weights.
    /// </summary>
    private static E Correlate(E[] outputs, ReadOnlySpan<E> positionPoint, E[] weights, Shape input, Shape output, int kernelHeight, int kernelWidth, int strideY, int strideX, int padding)
    {
        if (BitOperations.IsPow2(input.Width))
        {
            return CorrelateSeparable(outputs, positionPoint, weights, input, output, kernelHeight, kernelWidth, strideY, strideX, padding);
        }

        E[] positions = EqPolynomial.Table(positionPoint);
        E total = E.Zero;
        var row = new E[output.Width];
        for (int oy = 0; oy < output.Height; oy++)
        {
            Array.Clear(row);
            for (int ky = 0; ky < kernelHeight; ky++)
            {
                int iy = (oy * strideY) + ky - padding;
                if (iy < 0 || iy >= input.Height)
                {
                    continue;
                }

                for (int kx = 0; kx < kernelWidth; kx++)
                {
                    // Output columns whose input column ox·σ_x + kx − π lies in [0, W).
                    int first = padding > kx ? (padding - kx + strideX - 1) / strideX : 0;
                    int limit = input.Width - 1 + padding - kx;
                    int last = limit < 0 ? -1 : Math.Min(output.Width - 1, limit / strideX);
                    if (first > last)
                    {
                        continue;
                    }

                    E weight = weights[(ky * kernelWidth) + kx];
                    int start = (iy * input.Width) + (first * strideX) + kx - padding;
                    if (strideX == 1)
                    {
                        Ext2Kernels.AddScaled(row.AsSpan(first, last - first + 1), weight, positions.AsSpan(start, last - first + 1));
                    }
                    else
                    {
                        for (int ox = first; ox <= last; ox++, start += strideX)
                        {
                            row[ox] += weight * positions[start];
                        }
                    }
                }
            }

            ReadOnlySpan<E> outputRow = outputs.AsSpan(oy * output.Width, output.Width);
            for (int ox = 0; ox < row.Length; ox++)
            {
                total += outputRow[ox] * row[ox];
            }
        }

        return total;
    }

    /// <summary>
    /// <see cref="Correlate"/> for an input width <c>W = 2^w</c>: the position <c>i_y·W + i_x</c> is then the field pair <c>(i_y, i_x)</c>, so
    /// <c>eq(r_s, i_y·W + i_x) = eq(r_y, i_y)·eq(r_x, i_x)</c> (<c>r_x</c> the last <c>w</c> coordinates) and the sum factors per axis:
    /// <c>Σ_(o_y, k_y) eq(r_y, i_y)·Σ_(o_x) outputs[o_y·W_o + o_x]·Q[k_y, o_x]</c> with <c>Q[k_y, o_x] = Σ_(k_x) weights[k_y·k_w + k_x]·eq(r_x, i_x)</c>:
    /// <c>k_h·W_o·(k_w + H_o)</c> multiplications instead of <c>k_h·k_w·H_o·W_o</c> (LeNet-5's first convolution, a 32×32 input: 4,620 instead of 19,600).
    /// </summary>
    private static E CorrelateSeparable(E[] outputs, ReadOnlySpan<E> positionPoint, E[] weights, Shape input, Shape output, int kernelHeight, int kernelWidth, int strideY, int strideX, int padding)
    {
        int logWidth = BitOperations.Log2((uint)input.Width);
        E[] rows = EqPolynomial.Table(positionPoint[..^logWidth]);
        E[] columns = EqPolynomial.Table(positionPoint[^logWidth..]);
        var q = new E[kernelHeight * output.Width];
        for (int ky = 0; ky < kernelHeight; ky++)
        {
            for (int kx = 0; kx < kernelWidth; kx++)
            {
                int first = padding > kx ? (padding - kx + strideX - 1) / strideX : 0;
                int limit = input.Width - 1 + padding - kx;
                int last = limit < 0 ? -1 : Math.Min(output.Width - 1, limit / strideX);
                E weight = weights[(ky * kernelWidth) + kx];
                for (int ox = first, ix = (first * strideX) + kx - padding; ox <= last; ox++, ix += strideX)
                {
                    q[(ky * output.Width) + ox] += weight * columns[ix];
                }
            }
        }

        E total = E.Zero;
        for (int oy = 0; oy < output.Height; oy++)
        {
            ReadOnlySpan<E> outputRow = outputs.AsSpan(oy * output.Width, output.Width);
            for (int ky = 0; ky < kernelHeight; ky++)
            {
                int iy = (oy * strideY) + ky - padding;
                if (iy < 0 || iy >= input.Height)
                {
                    continue;
                }

                ReadOnlySpan<E> kernelRow = q.AsSpan(ky * output.Width, output.Width);
                E dot = E.Zero;
                for (int ox = 0; ox < outputRow.Length; ox++)
                {
                    dot += outputRow[ox] * kernelRow[ox];
                }

                total += rows[iy] * dot;
            }
        }

        return total;
    }

    /// <summary>
    /// <c>Σ_(c &lt; count) eq(a, c)·eq(b, c)</c> in <c>O(m)</c>: with <c>f_j(1) = a_j·b_j</c> and <c>f_j(0) = (1 − a_j)(1 − b_j)</c>,
    /// <c>Σ_(i : n_i = 1) Π_(j&lt;i) f_j(n_j)·f_i(0)·Π_(j&gt;i) (f_j(0) + f_j(1))</c> for <c>n = count &lt; 2^m</c>, and <c>Π_j (f_j(0) + f_j(1))</c>
    /// when <c>count = 2^m</c> (every index).
    /// </summary>
    private static E CopiedPrefix(ReadOnlySpan<E> a, ReadOnlySpan<E> b, long count)
    {
        int m = a.Length;
        Span<E> suffix = stackalloc E[m + 1]; // suffix[i] = Π_(j ≥ i) (f_j(0) + f_j(1))
        suffix[m] = E.One;
        for (int j = m - 1; j >= 0; j--)
        {
            E one = a[j] * b[j];
            suffix[j] = suffix[j + 1] * (one + one + E.One - a[j] - b[j]);
        }

        if (count >= 1L << m)
        {
            return suffix[0];
        }

        E result = E.Zero, prefix = E.One;
        for (int i = 0; i < m; i++)
        {
            E one = a[i] * b[i];
            E zero = E.One - a[i] - b[i] + one;
            if (((count >> (m - 1 - i)) & 1) != 0)
            {
                result += prefix * zero * suffix[i + 1];
                prefix *= one;
            }
            else
            {
                prefix *= zero;
            }
        }

        return result;
    }
}
