using System.Numerics;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Training;

/// <summary>
/// What prover and verifier of a <see cref="TrainingStepProof"/> derive identically from the configuration: padded
/// tensor sizes, the committed limb segments of every witness tensor, and the lookup columns that range-check them.
/// </summary>
/// <remarks>
/// <para>
/// Value tensors are <c>2^⌈log2 n⌉ × B</c>, entry <c>(i, b)</c> at <c>i·B + b</c> (feature variables first); update
/// remainders have the padded weight shape. A signed <c>V</c>-bit tensor <c>x</c> is committed as byte limbs of its
/// low <c>V − 1</c> bits and a sign limb: <c>x + 2^(V−1) = Σ_k 2^(8k)·l_k + 2^(V−1)·e</c>, so <c>e = [x ≥ 0]</c> (the ReLU
/// mask); an unsigned <c>s</c>-bit remainder as <c>r = Σ_k 2^(8k)·l_k</c>. Every limb is looked up in <c>[0, 2^8)</c>; a top
/// limb of <c>b &lt; 8</c> bits a second time scaled by <c>2^(8−b)</c>, and the sign limb scaled by <c>2^7</c>, bounding
/// them by <c>2^b</c> and 2.
/// </para>
/// <para>
/// Committed per layer <c>l</c>: <c>Z_l</c> (signed) and <c>R_l</c> (<c>f</c> bits) of the forward rounding; for hidden
/// layers <c>Q_l</c> (signed) and <c>S_l</c> (<c>f</c> bits) of the backward rounding; <c>P_l</c>, <c>PB_l</c> (<c>u</c> bits) of
/// the weight and bias updates; and the output error <c>D_(L−1)</c> (signed). Activations <c>A_l = Z_(l−1)·e</c> and hidden
/// errors <c>D_l = Q_l·e</c> are not committed; claims on them are reduced by product sumchecks.
/// </para>
/// </remarks>
internal sealed class StepCircuit
{
    public const int TableBits = 8;

    /// <summary>
    /// The smallest segment of a hiding run's circuit: <c>2^2</c> entries, the zero-knowledge logUp's smallest masked column. A tensor
    /// of fewer entries occupies the start of its segment (the rest zero), and a claim on it reads the segment with its leading
    /// coordinates zero (<see cref="SegmentPoint"/>).
    /// </summary>
    public const int MinimumHiddenLogSize = 2;

    private readonly List<int> _logSizes = [];
    private readonly int _minimumLogSize;

    /// <summary>Lays out the step's witness.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="hiddenBatch">Whether the batch is proven from a hiding dataset commitment (commits <see cref="Inputs"/> and <see cref="Targets"/>).</param>
    public StepCircuit(TrainingConfig config, bool hiddenBatch = false)
    {
        Config = config;
        _minimumLogSize = hiddenBatch ? MinimumHiddenLogSize : 0;
        Layers = config.LayerCount;
        LogBatch = BitOperations.Log2((uint)config.BatchSize);
        LogWidths = config.LayerSizes.Select(TensorLayout.CeilLog2).ToArray();
        Z = new Limbs[Layers];
        R = new Limbs[Layers];
        Q = new Limbs[Layers];
        S = new Limbs[Layers];
        P = new Limbs[Layers];
        PB = new Limbs[Layers];
        for (int l = 0; l < Layers; l++)
        {
            int log = LogWidths[l + 1] + LogBatch;
            Z[l] = Add(log, config.ValueBits - 1, signed: true);
            R[l] = Add(log, config.FractionalBits, signed: false);
            if (l < Layers - 1)
            {
                Q[l] = Add(log, config.ValueBits - 1, signed: true);
                S[l] = Add(log, config.FractionalBits, signed: false);
            }

            P[l] = Add(LogWidths[l + 1] + LogWidths[l], config.UpdateShift, signed: false);
            PB[l] = Add(LogWidths[l + 1], config.UpdateShift, signed: false);
        }

        D = Add(LogWidths[Layers] + LogBatch, config.ValueBits - 1, signed: true);
        if (hiddenBatch)
        {
            Inputs = Add(LogWidths[0] + LogBatch, config.ValueBits - 1, signed: true);
            Targets = Add(LogWidths[Layers] + LogBatch, TableBits, signed: false);
        }

        Multiplicities = AddSegment(TableBits);
        Layout = SegmentLayout.Create(_logSizes, splitLargest: false);
    }

    public TrainingConfig Config { get; }

    public int Layers { get; }

    public int LogBatch { get; }

    /// <summary>Gets <c>⌈log2 n_l⌉</c> for every width, input to output.</summary>
    public int[] LogWidths { get; }

    public Limbs[] Z { get; }

    public Limbs[] R { get; }

    /// <summary>Gets the backward quotients' limbs (hidden layers only; the last entry is unused).</summary>
    public Limbs[] Q { get; }

    /// <summary>Gets the backward remainders' limbs (hidden layers only; the last entry is unused).</summary>
    public Limbs[] S { get; }

    public Limbs[] P { get; }

    public Limbs[] PB { get; }

    /// <summary>Gets the limbs of the output error <c>δ_(L−1) = y − t</c>.</summary>
    public Limbs D { get; }

    /// <summary>Gets the limbs of a hiding run's batch input <c>A_0</c> (null when the batch is opened).</summary>
    public Limbs? Inputs { get; }

    /// <summary>Gets the limb of a hiding run's one-hot targets <c>T[j, b] = [label_b = j]</c> (null when the batch is opened).</summary>
    public Limbs? Targets { get; }

    public int Multiplicities { get; }

    public SegmentLayout Layout { get; }

    /// <summary>Gets every lookup column: (segment, scale).</summary>
    public List<(int Segment, ulong Scale)> LookupColumns { get; } = [];

    public IReadOnlyList<int> LogSizes => _logSizes;

    public static E Power(int bits) => E.FromUInt64(1UL << bits);

    /// <summary>Splits a value into the tensor's limbs (signed: offset by <c>2^(V−1)</c>, sign limb last).</summary>
    public static void Decompose(Limbs limbs, long value, Goldilocks[][] segments, int index)
    {
        ulong u = limbs.Signed ? (ulong)(value + (1L << limbs.Bits)) : (ulong)value;
        ulong low = u & ((1UL << limbs.Bits) - 1);
        for (int k = 0; k < limbs.Low.Length; k++)
        {
            segments[limbs.Low[k]][index] = new Goldilocks((low >> (8 * k)) & 0xFF);
        }

        if (limbs.Signed)
        {
            segments[limbs.Sign][index] = new Goldilocks(u >> limbs.Bits);
        }
    }

    /// <summary>Recomposes a tensor's value from its limb evaluations (same order as <see cref="Limbs.All"/>).</summary>
    public static E Recompose(Limbs limbs, ReadOnlySpan<E> values)
    {
        E sum = E.Zero;
        for (int k = 0; k < limbs.Low.Length; k++)
        {
            sum += values[k].MultiplyByBase(new Goldilocks(1UL << (8 * k)));
        }

        return limbs.Signed ? sum + ((values[^1] - E.One) * Power(limbs.Bits)) : sum;
    }

    private Limbs Add(int logSize, int bits, bool signed)
    {
        int count = Math.Max(1, (bits + 7) / 8);
        var low = new int[count];
        for (int k = 0; k < count; k++)
        {
            low[k] = AddSegment(logSize);
            LookupColumns.Add((low[k], 1));
        }

        int top = bits - (8 * (count - 1));
        if (top < 8)
        {
            LookupColumns.Add((low[^1], 1UL << (8 - top)));
        }

        int sign = -1;
        if (signed)
        {
            sign = AddSegment(logSize);
            LookupColumns.Add((sign, 1));
            LookupColumns.Add((sign, 128));
        }

        return new Limbs(low, sign, bits, logSize);
    }

    /// <summary>A point on a tensor's own variables lifted to its segment's (zero leading coordinates when the segment is larger).</summary>
    public E[] SegmentPoint(int segment, E[] point) =>
        _logSizes[segment] == point.Length ? point : [.. new E[_logSizes[segment] - point.Length], .. point];

    private int AddSegment(int logSize)
    {
        _logSizes.Add(Math.Max(logSize, _minimumLogSize));
        return _logSizes.Count - 1;
    }

    /// <summary>The limb segments of one committed tensor.</summary>
    /// <param name="Low">The byte limbs, least significant first.</param>
    /// <param name="Sign">The sign limb's segment (signed tensors), else −1.</param>
    /// <param name="Bits">The bits the low limbs hold (<c>V − 1</c> for signed tensors).</param>
    /// <param name="LogSize">The log size of every limb segment.</param>
    internal sealed record Limbs(int[] Low, int Sign, int Bits, int LogSize)
    {
        public bool Signed => Sign >= 0;

        public int[] All => Signed ? [.. Low, Sign] : Low;
    }
}
