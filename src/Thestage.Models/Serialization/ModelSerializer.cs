using Thestage.Formats;

namespace Thestage.Models.Serialization;

/// <summary>
/// The portable binary forms of a model (<see cref="Sequential"/>, magic "TSMD") and of its calibration (magic "TSCL"),
/// validated on load: magic, version, every count bounded and checked against the bytes present before it is allocated,
/// every value finite, the model's shapes checked as when it is built. The only exception for bad bytes is
/// <see cref="ModelFormatException"/>.
/// </summary>
/// <remarks>
/// <para>TSMD version 1, little-endian: "TSMD" ‖ u16 version ‖ u8 input rank r (1–8) ‖ r × u32 dimension ‖ u32 layer count
/// (1–4096) ‖ per layer u8 kind (<see cref="LayerKind"/>) and its fields:</para>
/// <list type="bullet">
/// <item><description>Dense: u32 inputs, u32 outputs (product ≤ 2^24), inputs × outputs f64 (row-major W), outputs f64 bias.</description></item>
/// <item><description>Conv2d: u32 C_out, C, K_h, K_w (product ≤ 2^24), u32 stride (1–2^24), u32 padding (0–2^24), the kernels
/// [C_out, C, K_h, K_w] as f64, C_out f64 bias.</description></item>
/// <item><description>AvgPool2d, MaxPool2d: u32 kernel, u32 stride (1–2^24).</description></item>
/// <item><description>Flatten, Relu, Sigmoid, Tanh, Gelu, Square: nothing.</description></item>
/// <item><description>Polynomial: u8 approximated function (0 none, else its kind); a fit: f64 min, f64 max of its interval;
/// otherwise f64 α, f64 β and a u16-length UTF-8 name (≤ 256 bytes); then u8 coefficient count (1–32) and the
/// coefficients of q as f64.</description></item>
/// </list>
/// <para>TSCL version 1: "TSCL" ‖ u16 version ‖ u32 sample count (≥ 1) ‖ u32 range count (2–4097) ‖ per range f64 min, f64 max.</para>
/// </remarks>
public static class ModelSerializer
{
    /// <summary>The model format's version.</summary>
    public const ushort ModelVersion = 1;

    /// <summary>The calibration format's version.</summary>
    public const ushort CalibrationVersion = 1;

    private const int MaxDimension = Shape.MaxElements;

    private static ReadOnlySpan<byte> ModelMagic => "TSMD"u8;

    private static ReadOnlySpan<byte> CalibrationMagic => "TSCL"u8;

    /// <summary>Writes a model.</summary>
    /// <param name="model">The model.</param>
    public static byte[] Serialize(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var w = new BoundedWriter(ModelMagic, ModelVersion);
        w.U8((byte)model.InputShape.Rank);
        foreach (int d in model.InputShape)
        {
            w.U32(d);
        }

        w.U32(model.Layers.Count);
        foreach (Layer layer in model.Layers)
        {
            w.U8((byte)layer.Kind);
            switch (layer)
            {
                case Dense dense:
                    w.U32(dense.Inputs);
                    w.U32(dense.Outputs);
                    w.F64s(dense.Weights.Cast<double>());
                    w.F64s(dense.Bias);
                    break;
                case Conv2d conv:
                    w.U32(conv.OutChannels);
                    w.U32(conv.InChannels);
                    w.U32(conv.KernelHeight);
                    w.U32(conv.KernelWidth);
                    w.U32(conv.Stride);
                    w.U32(conv.Padding);
                    w.F64s(conv.Kernels.Cast<double>());
                    w.F64s(conv.Bias);
                    break;
                case AvgPool2d pool:
                    w.U32(pool.KernelSize);
                    w.U32(pool.Stride);
                    break;
                case MaxPool2d pool:
                    w.U32(pool.KernelSize);
                    w.U32(pool.Stride);
                    break;
                case Activation { Kind: LayerKind.Polynomial } p:
                    w.U8((byte)(p.Approximates is LayerKind f ? (int)f : 0));
                    if (p.Approximates is not null)
                    {
                        w.F64(p.Interval!.Value.Min);
                        w.F64(p.Interval.Value.Max);
                    }
                    else
                    {
                        w.F64(p.InputScale);
                        w.F64(p.InputOffset);
                        w.Text(p.Name);
                    }

                    w.U8((byte)p.Coefficients.Count);
                    w.F64s(p.Coefficients);
                    break;
            }
        }

        return w.ToArray();
    }

    /// <summary>Reads a model written by <see cref="Serialize(Sequential)"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <exception cref="ModelFormatException">The bytes are not a valid model of this version.</exception>
    public static Sequential DeserializeModel(ReadOnlySpan<byte> data)
    {
        var r = new ModelReader(data);
        r.Header(ModelMagic, ModelVersion, "a model (TSMD)");
        int rank = r.U8();
        if (rank is 0 or > Shape.MaxRank)
        {
            throw new ModelFormatException($"The input rank is {rank}; 1 to {Shape.MaxRank} is allowed.");
        }

        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = r.U32(1, MaxDimension, "An input dimension");
        }

        int count = r.U32(1, Sequential.MaxLayers, "The layer count");
        var layers = new List<Layer>(Math.Min(count, 64));
        try
        {
            var shape = new Shape(dims);
            Shape current = shape;
            for (int i = 0; i < count; i++)
            {
                Layer layer = ReadLayer(ref r, i);
                current = layer.OutputShape(current);
                layers.Add(layer);
            }

            r.End("model");
            return new Sequential(shape, layers);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"The model is not valid: {e.Message}", e);
        }
    }

    /// <summary>Writes a calibration.</summary>
    /// <param name="calibration">The calibration.</param>
    public static byte[] Serialize(Calibration calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var w = new BoundedWriter(CalibrationMagic, CalibrationVersion);
        w.U32(calibration.SampleCount);
        w.U32(calibration.Ranges.Count);
        foreach (ValueRange range in calibration.Ranges)
        {
            w.F64(range.Min);
            w.F64(range.Max);
        }

        return w.ToArray();
    }

    /// <summary>Reads a calibration written by <see cref="Serialize(Calibration)"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <exception cref="ModelFormatException">The bytes are not a valid calibration of this version.</exception>
    public static Calibration DeserializeCalibration(ReadOnlySpan<byte> data)
    {
        var r = new ModelReader(data);
        r.Header(CalibrationMagic, CalibrationVersion, "a calibration (TSCL)");
        int samples = r.U32(1, int.MaxValue, "The sample count");
        int count = r.U32(2, Sequential.MaxLayers + 1, "The range count");
        double[] values = r.F64s(2L * count, "The ranges");
        r.End("calibration");
        var ranges = new ValueRange[count];
        for (int i = 0; i < count; i++)
        {
            if (values[2 * i] > values[(2 * i) + 1])
            {
                throw new ModelFormatException($"Range {i} has min {values[2 * i]} > max {values[(2 * i) + 1]}.");
            }

            ranges[i] = new ValueRange(values[2 * i], values[(2 * i) + 1]);
        }

        return new Calibration(samples, ranges);
    }

    private static Layer ReadLayer(ref ModelReader r, int index)
    {
        int kind = r.U8();
        string where = $"Layer {index}";
        switch ((LayerKind)kind)
        {
            case LayerKind.Dense:
                int inputs = r.U32(1, MaxDimension, $"{where}: the input count"), outputs = r.U32(1, MaxDimension, $"{where}: the output count");
                long size = Size(where, inputs, outputs);
                double[] w = r.F64s(size, $"{where}: the weights");
                double[] b = r.F64s(outputs, $"{where}: the bias");
                var matrix = new double[inputs, outputs];
                Buffer.BlockCopy(w, 0, matrix, 0, w.Length * sizeof(double));
                return new Dense(matrix, b);
            case LayerKind.Conv2d:
                int o = r.U32(1, MaxDimension, $"{where}: C_out"), c = r.U32(1, MaxDimension, $"{where}: C");
                int kh = r.U32(1, MaxDimension, $"{where}: K_h"), kw = r.U32(1, MaxDimension, $"{where}: K_w");
                int stride = r.U32(1, MaxDimension, $"{where}: the stride"), padding = r.U32(0, MaxDimension, $"{where}: the padding");
                double[] k = r.F64s(Size(where, o, c, kh, kw), $"{where}: the kernels");
                return Conv2d.FromFlatKernels(c, o, kh, kw, stride, padding, k, r.F64s(o, $"{where}: the bias"));
            case LayerKind.AvgPool2d:
                return new AvgPool2d(r.U32(1, MaxDimension, $"{where}: the kernel"), r.U32(1, MaxDimension, $"{where}: the stride"));
            case LayerKind.MaxPool2d:
                return new MaxPool2d(r.U32(1, MaxDimension, $"{where}: the kernel"), r.U32(1, MaxDimension, $"{where}: the stride"));
            case LayerKind.Flatten:
                return new Flatten();
            case LayerKind.Relu or LayerKind.Sigmoid or LayerKind.Tanh or LayerKind.Gelu or LayerKind.Square:
                return Activation.Exact((LayerKind)kind);
            case LayerKind.Polynomial:
                int function = r.U8();
                if (function is not (0 or (int)LayerKind.Relu or (int)LayerKind.Sigmoid or (int)LayerKind.Tanh or (int)LayerKind.Gelu))
                {
                    throw new ModelFormatException($"{where}: a polynomial cannot approximate kind {function}.");
                }

                (double first, double second) = (r.F64($"{where}: the interval or α"), r.F64($"{where}: the interval or β"));
                string name = function == 0 ? r.Text(256, $"{where}: the name") : "";
                int n = r.U8();
                if (n is 0 or > 32)
                {
                    throw new ModelFormatException($"{where}: {n} coefficients; 1 to 32 are allowed.");
                }

                double[] q = r.F64s(n, $"{where}: the coefficients");
                return function == 0
                    ? Activation.FromPolynomial(q, string.IsNullOrWhiteSpace(name) ? throw new ModelFormatException($"{where}: the polynomial has no name.") : name, first, second)
                    : Activation.Fitted((LayerKind)function, first, second, q);
            default:
                throw new ModelFormatException($"{where} has kind {kind}, which is not a layer kind.");
        }
    }

    private static long Size(string where, params int[] dims)
    {
        long size = 1;
        foreach (int d in dims)
        {
            size *= d;
            if (size > Shape.MaxElements)
            {
                throw new ModelFormatException($"{where} has more than {Shape.MaxElements} weights.");
            }
        }

        return size;
    }
}
