using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Inference;

/// <summary>
/// Everything prover and verifier derive identically from the architecture and the batch size: tensor layouts,
/// which tensors are public, committed (requantized outputs, with limb decompositions) or virtual (ReLU outputs,
/// reduced by sumcheck), the witness and weight segments, the lookup columns, and the convolution/pooling taps.
/// </summary>
/// <remarks>
/// Creation first checks the architecture against <see cref="ModelCommitment.MaxPaddedEntries"/> and
/// <see cref="ModelCommitment.MaxCircuitEntries"/> by arithmetic on the shapes alone (<see cref="CheckBudget"/>), so a few
/// hostile header bytes cannot make it allocate; the taps, the only part whose size grows with the convolutions, are
/// built on first use and shared by the plans of every batch size (<see cref="ForBatch"/>), since they do not depend on it.
/// </remarks>
internal sealed class CircuitPlan
{
    public const int TableBits = 8;

    private readonly Lazy<Dictionary<int, (int[] Rows, int[] Inputs, int LogRows)>> _taps;
    private readonly Lazy<ZeroKnowledgeLayout?> _zeroKnowledge;
    private readonly Lazy<ZeroKnowledgeLayout?> _privateInputZeroKnowledge;

    private CircuitPlan(Shape inputShape, CircuitLayer[] layers, int batch, Lazy<Dictionary<int, (int[] Rows, int[] Inputs, int LogRows)>>? taps)
    {
        Layers = layers;
        Batch = batch;
        LogBatch = TensorLayout.CeilLog2(batch);
        int count = layers.Length;
        Shapes = new Shape[count + 1];
        Layouts = new TensorLayout[count + 1];
        Source = new int[count + 1];
        Shapes[0] = inputShape;
        Layouts[0] = TensorLayout.Create(inputShape.Channels, inputShape.Height * inputShape.Width, LogBatch);
        for (int l = 0; l < count; l++)
        {
            Shapes[l + 1] = layers[l].OutputShape(Shapes[l]);
            bool alias = layers[l].Kind == LayerKind.Flatten;
            bool elementwise = alias || layers[l].Kind is LayerKind.Relu or LayerKind.Square;
            Source[l + 1] = alias ? Source[l] : l + 1;
            Layouts[l + 1] = elementwise ? Layouts[l] : TensorLayout.Create(Shapes[l + 1].Channels, Shapes[l + 1].Height * Shapes[l + 1].Width, LogBatch);
            if (layers[l].Kind is LayerKind.Conv2d or LayerKind.AvgPool2d or LayerKind.MaxPool2d
                && (Layouts[l].Channels != Shapes[l].Channels || Layouts[l].Spatial != Shapes[l].Height * Shapes[l].Width))
            {
                throw new ArgumentException("Convolution and pooling inputs must not come from a Flatten layer.");
            }
        }

        Kinds = new TensorKind[count + 1];
        Kinds[0] = TensorKind.Input;
        for (int t = 1; t <= count; t++)
        {
            Kinds[t] = layers[t - 1].Committed ? TensorKind.Committed : TensorKind.Virtual;
        }

        if (Source[count] == 0)
        {
            throw new ArgumentException("The model must contain at least one computing layer.");
        }

        Kinds[Source[count]] = TensorKind.Public;
        for (int l = 0; l < count; l++)
        {
            if (layers[l].Kind == LayerKind.Relu && Kinds[Source[l]] != TensorKind.Committed)
            {
                throw new ArgumentException("ReLU must follow a requantizing layer (Dense, Conv2d, AvgPool2d or Square) or a max pooling.");
            }
        }

        BuildSegments();
        _taps = taps ?? new Lazy<Dictionary<int, (int[] Rows, int[] Inputs, int LogRows)>>(BuildTaps);
        _zeroKnowledge = new Lazy<ZeroKnowledgeLayout?>(() => ZeroKnowledgeLayout.TryCreate(this));
        _privateInputZeroKnowledge = new Lazy<ZeroKnowledgeLayout?>(() => ZeroKnowledgeLayout.TryCreate(this, privateInput: true));
    }

    /// <summary>
    /// Gets the zero-knowledge layout of a private-input proof (<c>TSIP</c> 0x8003): <see cref="ZeroKnowledge"/>'s relations with the input read
    /// as a masked factor of the input commitment (<see cref="ZeroCheckSource.Input"/>), or <see langword="null"/> when not covered.
    /// </summary>
    public ZeroKnowledgeLayout? PrivateInputZeroKnowledge => _privateInputZeroKnowledge.Value;

    /// <summary>
    /// Gets the zero-knowledge layout and relations of a hiding proof (<c>TSIP</c> v3), or <see langword="null"/> when the plan's layer kinds
    /// are not covered (its hiding proofs are <c>TSIP</c> v2); plain proofs never use it (built on first use).
    /// </summary>
    public ZeroKnowledgeLayout? ZeroKnowledge => _zeroKnowledge.Value;

    public CircuitLayer[] Layers { get; }

    public int Batch { get; }

    public int LogBatch { get; }

    public Shape[] Shapes { get; }

    public TensorLayout[] Layouts { get; }

    /// <summary>Gets, per tensor index, the tensor holding its data (Flatten outputs alias their input).</summary>
    public int[] Source { get; }

    public TensorKind[] Kinds { get; }

    /// <summary>
    /// Gets, per committed tensor, the segments of its limbs: <c>(l0, l1, e)</c> with <c>x + 2^15 = l0 + 2^8·l1 + 2^15·e</c>
    /// (<c>l0</c> 8-bit, <c>l1</c> 7-bit, <c>e</c> the sign bit) when a ReLU reads the tensor (<c>relu(x) = x·e</c>), otherwise
    /// <c>(l0, l1, −1)</c> with two 8-bit limbs, <c>x + 2^15 = l0 + 2^8·l1</c> (two lookups per entry instead of five).
    /// </summary>
    public Dictionary<int, (int L0, int L1, int E)> Limbs { get; } = [];

    /// <summary>Gets, per requantizing layer, the segments of the 8-bit limbs of its remainders (least significant first).</summary>
    public Dictionary<int, int[]> Remainders { get; } = [];

    /// <summary>
    /// Gets, per MaxPool2d layer, the segments of the 8-bit limbs <c>(l0, l1)</c> of every difference <c>d_j = m − x_j</c>
    /// between an output and the <c>j</c>-th input of its window, <c>d_j = l0 + 2^8·l1</c>.
    /// </summary>
    public Dictionary<int, (int L0, int L1)[]> Differences { get; } = [];

    public int MultiplicitySegment { get; private set; }

    public List<int> AdviceLogSizes { get; } = [];

    public List<(int Segment, ulong Scale)> LookupColumns { get; } = [];

    /// <summary>Gets, per Dense/Conv2d layer, the segments of its padded weight matrix and bias in the weight polynomial(s).</summary>
    public Dictionary<int, (int Weights, int Bias, int LogRows, int LogColumns)> WeightSegments { get; } = [];

    public List<int> WeightLogSizes { get; } = [];

    /// <summary>
    /// Gets, per weight segment, the box of its real entries (<see cref="Polynomials.BoxIndicator"/>): output rows below
    /// <c>out</c>, then for a Dense matrix the input's channel and spatial fields (its columns follow the input's padded
    /// layout), for a Conv2d matrix the columns below <c>in·kh·kw</c>; a bias has the row field only. Every other entry of
    /// an honest segment is zero.
    /// </summary>
    public List<(int Bits, long Bound)[]> WeightBoxes { get; } = [];

    /// <summary>
    /// Gets, per Conv2d/AvgPool2d/MaxPool2d layer, the taps (row of the gathered matrix, input feature) and the log row count
    /// (built on first use). Pooling taps come window by window, so tap <c>t</c> is offset <c>t mod area</c> of its window.
    /// </summary>
    public IReadOnlyDictionary<int, (int[] Rows, int[] Inputs, int LogRows)> Taps => _taps.Value;

    public SegmentLayout AdviceLayout { get; private set; } = null!;

    public SegmentLayout WeightLayout { get; private set; } = null!;

    public IReadOnlyList<LookupColumnSpec> LookupSpecs =>
        LookupColumns.Select(c => new LookupColumnSpec(AdviceLogSizes[c.Segment], c.Scale)).ToArray();

    /// <summary>Creates the plan of an architecture for a batch size, after checking the architecture's budget.</summary>
    /// <exception cref="ArgumentException">The architecture exceeds the limits or is not provable, or the batch is out of range.</exception>
    public static CircuitPlan Create(Shape inputShape, IReadOnlyList<CircuitLayer> layers, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, 1 << 12);
        CircuitLayer[] copy = [.. layers];
        CheckBudget(inputShape, copy);
        return new CircuitPlan(inputShape, copy, batch, null);
    }

    /// <summary>The plan of the same architecture for another batch size, sharing this plan's taps.</summary>
    /// <exception cref="ArgumentException">The batch is out of range or its circuit too large to commit.</exception>
    public CircuitPlan ForBatch(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, 1 << 12);
        return batch == Batch ? this : new CircuitPlan(Shapes[0], Layers, batch, _taps);
    }

    /// <summary>
    /// Checks, per sample and from the shapes alone, that every tensor (channels and spatial positions each padded to a power of
    /// two), every weight segment and every im2col matrix holds at most <see cref="ModelCommitment.MaxPaddedEntries"/> entries,
    /// and that all of them together with the taps of every Conv2d/AvgPool2d layer count at most
    /// <see cref="ModelCommitment.MaxCircuitEntries"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A limit is exceeded or a shape does not chain.</exception>
    public static void CheckBudget(Shape inputShape, IReadOnlyList<CircuitLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        long total = 0;
        Shape shape = inputShape;
        long features = Padded(shape);
        Count(features);
        foreach (CircuitLayer layer in layers)
        {
            Shape output = layer.OutputShape(shape);
            long spatial = (long)output.Height * output.Width;
            long outFeatures = layer.Kind is LayerKind.Flatten or LayerKind.Relu or LayerKind.Square ? features : Padded(output);
            long outRows = Pow2(output.Channels);
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                    Count(outRows * features);
                    Count(outRows);
                    break;
                case LayerKind.Conv2d:
                    long window = (long)layer.InFeatures * layer.KernelHeight * layer.KernelWidth;
                    Count(outRows * Pow2(window));         // weights
                    Count(outRows);                        // bias
                    Count(Pow2(window) * Pow2(spatial));   // im2col matrix
                    Count(window * spatial);               // taps (at most one per window entry and output position)
                    break;
                case LayerKind.AvgPool2d:
                    Count((long)layer.KernelHeight * layer.KernelWidth * output.Size); // taps
                    break;
                case LayerKind.MaxPool2d:
                    Count((long)layer.KernelHeight * layer.KernelWidth * output.Size); // taps
                    Count(2L * layer.KernelHeight * layer.KernelWidth * Padded(output)); // limbs of the differences
                    break;
            }

            Count(outFeatures);
            features = outFeatures;
            shape = output;
        }

        void Count(long entries)
        {
            if (entries > ModelCommitment.MaxPaddedEntries)
            {
                throw new ArgumentException($"A tensor, matrix or tap list of the circuit would hold {entries} entries; at most {ModelCommitment.MaxPaddedEntries} are allowed.");
            }

            total += entries;
            if (total > ModelCommitment.MaxCircuitEntries)
            {
                throw new ArgumentException($"The circuit would hold more than {ModelCommitment.MaxCircuitEntries} entries per sample.");
            }
        }

        static long Pow2(long value) => 1L << TensorLayout.CeilLog2((int)Math.Min(value, 1 << 30));

        static long Padded(Shape s) => Pow2(s.Channels) * Pow2((long)s.Height * s.Width);
    }

    public static int RemainderLimbs(int shift) => (shift + 7) / 8;

    /// <summary>The limb segments of a committed tensor, least significant first: <c>[l0, l1, e]</c> or <c>[l0, l1]</c> (see <see cref="Limbs"/>).</summary>
    public int[] LimbSegments(int tensor)
    {
        (int l0, int l1, int e) = Limbs[tensor];
        return e < 0 ? [l0, l1] : [l0, l1, e];
    }

    public static Goldilocks Field(long value) => value >= 0 ? new Goldilocks((ulong)value) : -new Goldilocks((ulong)(-value));

    /// <summary>Builds the padded weight and bias segments of a model with this architecture.</summary>
    public Goldilocks[][] BuildWeightSegments(QuantizedModel model)
    {
        var segments = new Goldilocks[WeightLogSizes.Count][];
        foreach ((int l, (int weights, int bias, int logRows, int logColumns)) in WeightSegments)
        {
            QuantizedLayer layer = model.Layers[l];
            var matrix = new Goldilocks[1 << (logRows + logColumns)];
            int perRow = layer.Weights.Length / layer.OutFeatures;
            for (int o = 0; o < layer.OutFeatures; o++)
            {
                for (int k = 0; k < perRow; k++)
                {
                    int column = layer.Kind == LayerKind.Dense ? Layouts[l].Feature(k) : k;
                    matrix[(o << logColumns) + column] = Field(layer.Weights[(o * perRow) + k]);
                }
            }

            var biasVector = new Goldilocks[1 << logRows];
            for (int o = 0; o < layer.OutFeatures; o++)
            {
                biasVector[o] = Field(layer.Bias[o]);
            }

            segments[weights] = matrix;
            segments[bias] = biasVector;
        }

        return segments;
    }

    private int AddAdvice(int logSize)
    {
        AdviceLogSizes.Add(logSize);
        return AdviceLogSizes.Count - 1;
    }

    private void BuildSegments()
    {
        for (int t = 1; t < Kinds.Length; t++)
        {
            if (Kinds[t] == TensorKind.Committed)
            {
                int log = Layouts[t].LogSize;
                (int l0, int l1) = (AddAdvice(log), AddAdvice(log));
                if (Enumerable.Range(0, Layers.Length).Any(l => Layers[l].Kind == LayerKind.Relu && Source[l] == t))
                {
                    int e = AddAdvice(log);
                    Limbs[t] = (l0, l1, e);
                    LookupColumns.AddRange([(l0, 1UL), (l1, 1UL), (l1, 2UL), (e, 1UL), (e, 128UL)]);
                }
                else
                {
                    Limbs[t] = (l0, l1, -1);
                    LookupColumns.AddRange([(l0, 1UL), (l1, 1UL)]);
                }
            }
        }

        for (int l = 0; l < Layers.Length; l++)
        {
            if (Layers[l].Kind == LayerKind.MaxPool2d)
            {
                int log = Layouts[l + 1].LogSize;
                Differences[l] = [.. Enumerable.Range(0, Layers[l].Window).Select(_ => (AddAdvice(log), AddAdvice(log)))];
                foreach ((int l0, int l1) in Differences[l])
                {
                    LookupColumns.AddRange([(l0, 1UL), (l1, 1UL)]);
                }
            }

            if (!Layers[l].Requantizes)
            {
                continue;
            }

            int count = RemainderLimbs(Layers[l].Shift);
            int[] limbs = Enumerable.Range(0, count).Select(_ => AddAdvice(Layouts[l + 1].LogSize)).ToArray();
            Remainders[l] = limbs;
            for (int i = 0; i < count; i++)
            {
                LookupColumns.Add((limbs[i], 1UL));
            }

            int topBits = Layers[l].Shift - (8 * (count - 1));
            if (count > 0 && topBits < 8)
            {
                LookupColumns.Add((limbs[^1], 1UL << (8 - topBits)));
            }

            if (Layers[l].HasWeights)
            {
                int logRows = Layouts[l + 1].LogChannels;
                int logColumns = Layers[l].Kind == LayerKind.Dense
                    ? Layouts[l].LogFeatures
                    : TensorLayout.CeilLog2(Layers[l].InFeatures * Layers[l].KernelHeight * Layers[l].KernelWidth);
                WeightLogSizes.Add(logRows + logColumns);
                WeightLogSizes.Add(logRows);
                (int Bits, long Bound) outputs = (logRows, Layouts[l + 1].Channels);
                WeightBoxes.Add(Layers[l].Kind == LayerKind.Dense
                    ? [outputs, (Layouts[l].LogChannels, Layouts[l].Channels), (Layouts[l].LogSpatial, Layouts[l].Spatial)]
                    : [outputs, (logColumns, (long)Layers[l].InFeatures * Layers[l].KernelHeight * Layers[l].KernelWidth)]);
                WeightBoxes.Add([outputs]);
                WeightSegments[l] = (WeightLogSizes.Count - 2, WeightLogSizes.Count - 1, logRows, logColumns);
            }
        }

        MultiplicitySegment = AddAdvice(TableBits);
        AdviceLayout = SegmentLayout.Create(AdviceLogSizes, splitLargest: false);
        WeightLayout = WeightLogSizes.Count == 0 ? SegmentLayout.Create([0], false) : SegmentLayout.Create(WeightLogSizes, splitLargest: true, splitOnlyWhenSmaller: true);
    }

    private Dictionary<int, (int[] Rows, int[] Inputs, int LogRows)> BuildTaps()
    {
        var taps = new Dictionary<int, (int[] Rows, int[] Inputs, int LogRows)>();
        for (int l = 0; l < Layers.Length; l++)
        {
            CircuitLayer layer = Layers[l];
            if (layer.Kind is not (LayerKind.Conv2d or LayerKind.AvgPool2d or LayerKind.MaxPool2d))
            {
                continue;
            }

            Shape input = Shapes[l], output = Shapes[l + 1];
            TensorLayout inLayout = Layouts[l], outLayout = Layouts[l + 1];
            var rows = new List<int>();
            var inputs = new List<int>();
            int logRows;
            if (layer.Kind == LayerKind.Conv2d)
            {
                int logK = TensorLayout.CeilLog2(layer.InFeatures * layer.KernelHeight * layer.KernelWidth);
                logRows = logK + outLayout.LogSpatial;
                for (int oy = 0; oy < output.Height; oy++)
                {
                    for (int ox = 0; ox < output.Width; ox++)
                    {
                        int os = (oy * output.Width) + ox;
                        foreach ((int w, int i) in ConvolutionTaps.Enumerate(input, layer.KernelHeight, layer.KernelWidth, layer.Stride, layer.Padding, 0, oy, ox))
                        {
                            rows.Add((w << outLayout.LogSpatial) + os);
                            inputs.Add(inLayout.Feature(i));
                        }
                    }
                }
            }
            else
            {
                logRows = outLayout.LogFeatures;
                for (int o = 0; o < output.Size; o++)
                {
                    int c = o / (output.Height * output.Width), oy = o / output.Width % output.Height, ox = o % output.Width;
                    foreach (int i in ConvolutionTaps.Window(input, layer.KernelHeight, layer.KernelWidth, c, oy, ox))
                    {
                        rows.Add(outLayout.Feature(o));
                        inputs.Add(inLayout.Feature(i));
                    }
                }
            }

            taps[l] = ([.. rows], [.. inputs], logRows);
        }

        return taps;
    }
}
