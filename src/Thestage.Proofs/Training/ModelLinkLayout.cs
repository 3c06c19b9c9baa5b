using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Training;

/// <summary>
/// What prover and verifier of <see cref="ModelLinkArgument"/> derive identically from the training configuration, the
/// weight shifts <c>σ_l</c> and the public architecture of the model commitment: the fraction bits of every
/// accumulator, the bias shifts, and the packing of the committed remainder and bias limbs with their lookup columns.
/// </summary>
/// <remarks>
/// <para>
/// Fraction bits: the inference input has <c>a_0 = InputFractionBits</c>; layer <c>l</c> accumulates at
/// <c>c_l = a_l + f − σ_l</c> (int8 weights mean <c>w8·2^(σ_l − f)</c>) and outputs <c>a_(l+1) = c_l − s_l</c>; the
/// model's <c>OutputFractionBits</c> must equal <c>a_L</c>. A training bias <c>b</c> (units <c>2^−f</c>) moves to units
/// <c>2^−c_l</c> by the bias shift <c>τ_l = f − c_l</c>: <c>2^μ·b + h_τ = 2^τ'·b_q + r_b</c> with <c>τ' = max(τ, 0)</c>,
/// <c>μ = max(−τ, 0)</c>, <c>h_τ = ⌊2^(τ'−1)⌋</c>, <c>0 ≤ r_b &lt; 2^τ'</c>, i.e. <c>b_q = round_τ'(2^μ·b)</c>.
/// </para>
/// <para>
/// Committed segments, per layer in order: the <c>⌈σ/8⌉</c> byte limbs of the weight remainders (each of the padded
/// weight matrix's size), the <c>⌈τ'/8⌉</c> byte limbs of the bias remainders and the four byte limbs of
/// <c>b_q + 2^31</c> (each of the padded bias vector's size), packed into one polynomial. Lookup columns: every limb
/// segment, then each remainder's top limb again scaled by <c>2^(8 − b)</c> when it has <c>b &lt; 8</c> bits.
/// </para>
/// <para>
/// Proven minimality (zero-knowledge link proofs, <see cref="ProvenWitnesses"/>): after those, per layer with <c>σ &gt; 0</c>,
/// three more kinds of segments of the padded weight matrix's size: the indicator <c>e</c> of the witness entry, its signed
/// copy <c>f = ±e</c> (the side of the bound), and the <c>⌈(σ+7)/8⌉</c> byte limbs of the excess
/// <c>D = e·(±(w + h) − 2^(σ+6) − [f = −1])</c>; the excess limbs are looked up (the top one scaled as above), so
/// <c>D ∈ [0, 2^(σ+7))</c>, which holds for the honest witness because <c>round_σ(w)</c> is an int8 (<c>|w + h| &lt; 2^(σ+7)</c>);
/// <c>e</c> and <c>f</c> are not lookup columns.
/// </para>
/// <para>
/// Zero-knowledge lookup (a hiding run's link, <c>TSML</c> v5, <see cref="ZeroKnowledgeLookup"/>): after those, per lookup column <c>j</c> of
/// at least two variables a mask segment holding the <see cref="Sumcheck.MaskedExtension.Entries"/> coefficients of its masked extension
/// (a segment looked up twice, plain and scaled, has two masks: each receives the two functionals the zero-knowledge GKR reveals), then a
/// random segment of two entries, which makes the limb opening's batched value uniform.
/// </para>
/// </remarks>
internal sealed class ModelLinkLayout
{
    public const int TableBits = 8;

    /// <summary>The byte limbs of <c>b_q + 2^31</c>.</summary>
    public const int BiasLimbs = 4;

    /// <summary>The largest <c>|τ|</c>: keeps both sides of the bias identity below <c>2^62</c> in magnitude.</summary>
    public const int MaxBiasShift = 30;

    private ModelLinkLayout(int[] sigma, int[] tau, int[] weightLogSizes, int[] biasLogSizes, bool provenWitnesses, bool zeroKnowledgeLookup)
    {
        Sigma = sigma;
        Tau = tau;
        WeightLogSizes = weightLogSizes;
        BiasLogSizes = biasLogSizes;
        int layers = sigma.Length;
        WeightRemainders = new int[layers][];
        BiasRemainders = new int[layers][];
        BiasQuotients = new int[layers][];
        var logSizes = new List<int>();
        int[] Add(int count, int logSize)
        {
            var segments = new int[count];
            for (int i = 0; i < count; i++)
            {
                segments[i] = logSizes.Count;
                logSizes.Add(logSize);
            }

            return segments;
        }

        for (int l = 0; l < layers; l++)
        {
            WeightRemainders[l] = Add(Limbs(sigma[l]), weightLogSizes[l]);
            BiasRemainders[l] = Add(Limbs(Math.Max(tau[l], 0)), biasLogSizes[l]);
            BiasQuotients[l] = Add(BiasLimbs, biasLogSizes[l]);
        }

        ProvenWitnesses = provenWitnesses;
        Indicators = new int[layers];
        Signs = new int[layers];
        Excess = new int[layers][];
        for (int l = 0; l < layers; l++)
        {
            bool proven = ProvenWitnesses && sigma[l] > 0;
            Indicators[l] = proven ? Add(1, weightLogSizes[l])[0] : -1;
            Signs[l] = proven ? Add(1, weightLogSizes[l])[0] : -1;
            Excess[l] = proven ? Add(Limbs(ExcessBits(sigma[l])), weightLogSizes[l]) : [];
        }

        // Every limb segment is a lookup column; the indicators and signed indicators are not limbs (f holds −1).
        var columns = Enumerable.Range(0, logSizes.Count).Where(s => !Indicators.Contains(s) && !Signs.Contains(s)).Select(s => (s, 1UL)).ToList();
        for (int l = 0; l < layers; l++)
        {
            AddTopColumn(columns, WeightRemainders[l], sigma[l]);
            AddTopColumn(columns, BiasRemainders[l], Math.Max(tau[l], 0));
            AddTopColumn(columns, Excess[l], ExcessBits(sigma[l]));
        }

        Columns = [.. columns];
        ZeroKnowledgeLookup = zeroKnowledgeLookup;
        ColumnMasks = Columns
            .Select(c => zeroKnowledgeLookup && logSizes[c.Segment] >= MinMaskedColumnVariables
                ? Add(1, TensorLayout.CeilLog2(Sumcheck.MaskedExtension.Entries(logSizes[c.Segment])))[0]
                : -1)
            .ToArray();
        RandomSegment = zeroKnowledgeLookup ? Add(1, 1)[0] : -1;
        Layout = SegmentLayout.Create(logSizes, splitLargest: false);
    }

    /// <summary>The fewest variables of a column the zero-knowledge lookup masks (at least four entries).</summary>
    public const int MinMaskedColumnVariables = 2;

    /// <summary>Gets a value indicating whether the lookup is the zero-knowledge GKR over masked columns (a hiding run's link).</summary>
    public bool ZeroKnowledgeLookup { get; }

    /// <summary>Gets, per lookup column, the segment of its masked extension's coefficients, or −1 (a plain lookup, or a column under four entries).</summary>
    public int[] ColumnMasks { get; }

    /// <summary>Gets the random segment of two uniform entries (zero-knowledge lookup), or −1.</summary>
    public int RandomSegment { get; }

    /// <summary>Gets the weight shifts <c>σ_l</c>.</summary>
    public int[] Sigma { get; }

    /// <summary>Gets the bias shifts <c>τ_l = f − c_l</c> (negative: the bias is scaled up exactly).</summary>
    public int[] Tau { get; }

    /// <summary>Gets log2 of each padded weight matrix (<c>⌈log2 out⌉ + ⌈log2 in⌉</c>).</summary>
    public int[] WeightLogSizes { get; }

    /// <summary>Gets log2 of each padded bias vector.</summary>
    public int[] BiasLogSizes { get; }

    /// <summary>Gets, per layer, the segments of the weight-remainder limbs (least significant first).</summary>
    public int[][] WeightRemainders { get; }

    /// <summary>Gets, per layer, the segments of the bias-remainder limbs.</summary>
    public int[][] BiasRemainders { get; }

    /// <summary>Gets, per layer, the segments of the limbs of <c>b_q + 2^31</c>.</summary>
    public int[][] BiasQuotients { get; }

    /// <summary>Gets a value indicating whether the weight shifts are shown minimal by committed witnesses (zero-knowledge proofs) instead of published ones.</summary>
    public bool ProvenWitnesses { get; }

    /// <summary>Gets, per layer, the segment of the witness indicator <c>e</c>, or −1 (published witnesses, or <c>σ = 0</c>).</summary>
    public int[] Indicators { get; }

    /// <summary>Gets, per layer, the segment of the signed indicator <c>f = ±e</c>, or −1.</summary>
    public int[] Signs { get; }

    /// <summary>Gets, per layer, the segments of the excess limbs (empty when not proven).</summary>
    public int[][] Excess { get; }

    /// <summary>Gets the packing of all limb segments into one polynomial.</summary>
    public SegmentLayout Layout { get; }

    /// <summary>Gets the lookup columns (segment, scale).</summary>
    public (int Segment, ulong Scale)[] Columns { get; }

    /// <summary>Gets the number of prover values per layer: <c>w̃, w̃8</c>, weight limbs, <c>b̃, b̃_q</c>, bias-remainder and bias limbs.</summary>
    public int ValuesOf(int layer) => 2 + WeightRemainders[layer].Length + 2 + BiasRemainders[layer].Length + BiasLimbs;

    public static int Limbs(int bits) => (bits + 7) / 8;

    /// <summary>The bits of a proven witness's excess for shift <c>σ</c>: <c>σ + 7</c> (see remarks).</summary>
    public static int ExcessBits(int sigma) => sigma + 7;

    /// <summary>
    /// Derives the layout, or returns <see langword="null"/> when the shifts are out of range or the model's fraction bits
    /// do not follow the chain in the remarks; <paramref name="provenWitnesses"/> adds the segments of the proven minimality and
    /// <paramref name="zeroKnowledgeLookup"/> the column masks and the random segment.
    /// </summary>
    public static ModelLinkLayout? TryCreate(
        TrainingConfig config, IReadOnlyList<int> sigma, int inputFractionBits, IReadOnlyList<int> shifts, int outputFractionBits, bool provenWitnesses = false,
        bool zeroKnowledgeLookup = false)
    {
        int layers = config.LayerCount;
        if (sigma.Count != layers || shifts.Count != layers)
        {
            return null;
        }

        int f = config.FractionalBits;
        long a = inputFractionBits;
        var tau = new int[layers];
        var weightLogSizes = new int[layers];
        var biasLogSizes = new int[layers];
        for (int l = 0; l < layers; l++)
        {
            if (sigma[l] < 0 || sigma[l] > config.WeightBits || shifts[l] < 0 || shifts[l] > QuantizedLayer.MaxShift)
            {
                return null;
            }

            long c = a + f - sigma[l];
            long t = f - c;
            if (t < -MaxBiasShift || t > MaxBiasShift)
            {
                return null;
            }

            tau[l] = (int)t;
            a = c - shifts[l];
            biasLogSizes[l] = TensorLayout.CeilLog2(config.LayerSizes[l + 1]);
            weightLogSizes[l] = biasLogSizes[l] + TensorLayout.CeilLog2(config.LayerSizes[l]);
        }

        return a == outputFractionBits ? new ModelLinkLayout([.. sigma], tau, weightLogSizes, biasLogSizes, provenWitnesses, zeroKnowledgeLookup) : null;
    }

    private static void AddTopColumn(List<(int, ulong)> columns, int[] limbs, int bits)
    {
        int top = bits - (8 * (limbs.Length - 1));
        if (limbs.Length > 0 && top < 8)
        {
            columns.Add((limbs[^1], 1UL << (8 - top)));
        }
    }
}
