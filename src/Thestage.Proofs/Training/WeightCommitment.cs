using System.Buffers;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;

namespace Thestage.Proofs.Training;

/// <summary>
/// Commits to one parameter snapshot with the Ligero multilinear commitment (<see cref="LigeroProver"/>): the layers
/// packed by <see cref="SegmentLayout"/> into one polynomial, or two when the largest segment is bigger than all others
/// together (as on the inference side).
/// </summary>
/// <remarks>
/// <para>
/// Segments, in order: for each layer <c>l</c>, the weight matrix padded to <c>2^⌈log2 out⌉ × 2^⌈log2 in⌉</c> (entry
/// <c>(j, i)</c> at index <c>j·2^⌈log2 in⌉ + i</c>, so the row variables come first), then the bias vector padded to
/// <c>2^⌈log2 out⌉</c>; padding is zero. If the largest segment (the first one among equals, in the order above)
/// holds more entries than all other segments together, it is polynomial 0 on its own and the rest are packed
/// into polynomial 1 (<c>splitLargest</c>): 784-128-10 then commits <c>2^17 + 2^12</c> entries instead of padding
/// <c>2^17 + 3472</c> to <c>2^18</c>. Otherwise everything is polynomial 0. Within a polynomial, segments are placed
/// largest first at aligned offsets, so a claim <c>W̃_l(r_row, r_col)</c> is a claim on its polynomial at the
/// segment's Boolean prefix followed by <c>(r_row, r_col)</c>. Signed integers embed as <c>v mod p</c>.
/// </para>
/// <para>
/// Why Ligero rather than a plain Merkle root over the weight vector: proving a training step reduces each matrix
/// product by Thaler's sumcheck to evaluations <c>W̃_l(r)</c> at random points, which a Ligero opening provides with
/// <c>O(√n)</c> communication; a Merkle root over the raw vector could only be opened entry by entry, i.e. by
/// revealing all <c>n</c> weights. The root is still a Merkle root (over salted encoded columns), so the snapshot
/// is bound by BLAKE2s collision resistance.
/// </para>
/// </remarks>
internal static class WeightCommitment
{
    public static SegmentLayout Layout(TrainingConfig config)
    {
        var logSizes = new int[2 * config.LayerCount];
        for (int l = 0; l < config.LayerCount; l++)
        {
            int rows = TensorLayout.CeilLog2(config.LayerSizes[l + 1]);
            logSizes[2 * l] = rows + TensorLayout.CeilLog2(config.LayerSizes[l]);
            logSizes[(2 * l) + 1] = rows;
        }

        return SegmentLayout.Create(logSizes, splitLargest: true);
    }

    public static int[] NumVariables(TrainingConfig config) => Layout(config).NumVariables;

    /// <summary>The committed polynomials' numbers of variables: <see cref="Layout"/>'s, or for a hiding run <see cref="SnapshotMaskLayout"/>'s.</summary>
    public static int[] NumVariables(TrainingConfig config, bool hiding) => hiding ? SnapshotMaskLayout.Create(config).Layout.NumVariables : NumVariables(config);

    /// <summary>
    /// The layout a batched opening of a snapshot reads (<see cref="ClaimBatcher"/>) and its claims on <see cref="Layout"/>'s segments
    /// lifted into it: the plain layout and claims, or for a hiding run <see cref="SnapshotMaskLayout.Layout"/> and the lifted claims.
    /// </summary>
    public static (SegmentLayout Layout, List<SegmentClaim<T>> Claims) Batched<T>(TrainingConfig config, bool hiding, IEnumerable<SegmentClaim<T>> claims)
        where T : struct, IExtensionField<T>
    {
        if (!hiding)
        {
            return (Layout(config), claims.ToList());
        }

        SnapshotMaskLayout masks = SnapshotMaskLayout.Create(config);
        return (masks.Layout, claims.Select(masks.Lift).ToList());
    }

    /// <summary>The point at which committed polynomial <paramref name="polynomial"/> is opened for the plain <c>P̃_g(z)</c> (<paramref name="z"/> itself for a plain run).</summary>
    public static T[] OpeningPoint<T>(TrainingConfig config, bool hiding, int polynomial, T[] z)
        where T : struct, IExtensionField<T> =>
        hiding ? SnapshotMaskLayout.Create(config).Point<T>(polynomial, z) : z;

    public static Goldilocks[][] Evaluations(FixedPointWeights weights) => Layout(weights.Config).Assemble(Segments(weights));

    /// <summary>Gets the segments before packing: per layer <c>l</c>, segment <c>2l</c> the padded weight matrix and <c>2l + 1</c> the padded biases.</summary>
    public static Goldilocks[][] Segments(FixedPointWeights weights)
    {
        TrainingConfig config = weights.Config;
        var segments = new Goldilocks[2 * config.LayerCount][];
        for (int l = 0; l < config.LayerCount; l++)
        {
            int inputs = config.LayerSizes[l];
            int outputs = config.LayerSizes[l + 1];
            int paddedInputs = 1 << TensorLayout.CeilLog2(inputs);
            int paddedOutputs = 1 << TensorLayout.CeilLog2(outputs);
            int[] w = weights.WeightsOf(l);
            int[] b = weights.BiasesOf(l);
            var matrix = new Goldilocks[paddedOutputs * paddedInputs];
            var bias = new Goldilocks[paddedOutputs];
            for (int j = 0; j < outputs; j++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    matrix[(j * paddedInputs) + i] = Embed(w[(j * inputs) + i]);
                }

                bias[j] = Embed(b[j]);
            }

            segments[2 * l] = matrix;
            segments[(2 * l) + 1] = bias;
        }

        return segments;
    }

    /// <summary>
    /// Commits a snapshot: its plain polynomials (<see cref="Evaluations"/>), or for hiding parameters those of
    /// <see cref="SnapshotMaskLayout"/>, whose random segments are drawn from <paramref name="salts"/> before the Ligero salts.
    /// </summary>
    public static LigeroProverState[] Commit(FixedPointWeights weights, LigeroParameters parameters, ISaltSource? salts)
    {
        Goldilocks[][] tables = Evaluations(weights);
        if (parameters.Hiding)
        {
            salts ??= RandomSaltSource.Instance;
            tables = SnapshotMaskLayout.Create(weights.Config).Polynomials(tables, salts);
        }

        return tables.Select(table => LigeroProver.Commit(table, parameters, salts)).ToArray();
    }

    /// <summary>
    /// The roots <see cref="Commit"/> would give (drawing the same salts), from pooled tables written in place: what a recorded run
    /// keeps of each snapshot.
    /// </summary>
    public static Digest256[] Roots(FixedPointWeights weights, LigeroParameters parameters, ISaltSource salts)
    {
        if (parameters.Hiding)
        {
            return Commit(weights, parameters, salts).Select(state => state.Commitment.Root).ToArray();
        }

        SegmentLayout layout = Layout(weights.Config);
        var roots = new Digest256[layout.NumVariables.Length];
        for (int g = 0; g < roots.Length; g++)
        {
            int size = 1 << layout.NumVariables[g];
            Goldilocks[] table = ArrayPool<Goldilocks>.Shared.Rent(size);
            try
            {
                Span<Goldilocks> polynomial = table.AsSpan(0, size);
                polynomial.Clear();
                Write(weights, layout, g, polynomial);
                roots[g] = LigeroProver.CommitRoot(polynomial, parameters, salts);
            }
            finally
            {
                ArrayPool<Goldilocks>.Shared.Return(table, clearArray: true);
            }
        }

        return roots;
    }

    /// <summary>Writes the segments of polynomial <paramref name="g"/> at their offsets (the rest of <paramref name="polynomial"/> is left as is).</summary>
    private static void Write(FixedPointWeights weights, SegmentLayout layout, int g, Span<Goldilocks> polynomial)
    {
        TrainingConfig config = weights.Config;
        for (int l = 0; l < config.LayerCount; l++)
        {
            int inputs = config.LayerSizes[l];
            int outputs = config.LayerSizes[l + 1];
            int paddedInputs = 1 << TensorLayout.CeilLog2(inputs);
            int[] w = weights.WeightsOf(l);
            int[] b = weights.BiasesOf(l);
            if (layout.PolynomialOf(2 * l) == g)
            {
                Span<Goldilocks> matrix = polynomial[layout.OffsetOf(2 * l)..];
                for (int j = 0; j < outputs; j++)
                {
                    for (int i = 0; i < inputs; i++)
                    {
                        matrix[(j * paddedInputs) + i] = Embed(w[(j * inputs) + i]);
                    }
                }
            }

            if (layout.PolynomialOf((2 * l) + 1) == g)
            {
                Span<Goldilocks> bias = polynomial[layout.OffsetOf((2 * l) + 1)..];
                for (int j = 0; j < outputs; j++)
                {
                    bias[j] = Embed(b[j]);
                }
            }
        }
    }

    public static Goldilocks Embed(long value) =>
        value >= 0 ? Goldilocks.FromUInt64((ulong)value) : -Goldilocks.FromUInt64((ulong)(-value));
}
