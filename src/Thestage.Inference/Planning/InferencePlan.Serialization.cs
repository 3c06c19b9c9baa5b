using System.Security.Cryptography;
using Thestage.Formats;
using Thestage.Inference.Artifacts;
using Thestage.Models;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Planning;

/// <content>
/// The portable plan: everything a client needs to make keys and encrypt (and to see what the model owner promises),
/// without the model. Format "TSPL" version 1, little-endian:
/// "TSPL" ‖ u16 version ‖ u32-length CKKS parameters (a TSPV object) ‖ u8 scale bits (20–60) ‖ u8 packing (0 row-major,
/// 1 batch) ‖ u32 input length, u32 output length (1–2^24) ‖ u32 depth (≤ the parameters' levels) ‖ u32 rotation-step
/// count (≤ 4096) ‖ i32 steps (increasing, nonzero, |s| &lt; N/2) ‖ u32 layer count (1–4096) ‖ per layer: u16-length UTF-8
/// description (≤ 512 bytes), u32 input and output lengths, depth, level after (the depths must add up), rotations, plaintext
/// and ciphertext products, u16-length UTF-8 method ‖ u8 calibration flag ‖ when 1: u32 sample count, u32 fit count, per fit
/// u32 layer, u8 function, three ranges (2 f64 each), u8 degree, f64 error, f64 guard error, u8 met; the polynomial agreement
/// (u32 samples, f64 max error, mean error, max output, argmax agreement ∈ [0, 1]); u8 encrypted flag and, when 1, the
/// encrypted agreements against the exact and the polynomial model.
/// </content>
public sealed partial class InferencePlan
{
    /// <summary>The plan format's version.</summary>
    public const ushort FormatVersion = 1;

    private const int MaxText = 512;

    private byte[]? _bytes;

    private static ReadOnlySpan<byte> Magic => "TSPL"u8;

    /// <summary>
    /// SHA-256 of <see cref="ToBytes"/>: the identity of the plan. Requests and responses carry it, so that a ciphertext is
    /// never evaluated or decrypted under another plan than the one it was made for.
    /// </summary>
    public ReadOnlySpan<byte> Fingerprint => _fingerprint ??= SHA256.HashData(ToBytes());

    private byte[]? _fingerprint;

    /// <summary>The plan as bytes (format "TSPL" version 1, see the type's remarks); deterministic.</summary>
    public byte[] ToBytes()
    {
        if (_bytes is not null)
        {
            return (byte[])_bytes.Clone();
        }

        var w = new BoundedWriter(Magic, FormatVersion);
        w.Block(CkksSerializer.Save(Parameters));
        w.U8((byte)ScaleBits);
        w.U8(Packing == TensorPacking.Batch ? (byte)1 : (byte)0);
        w.U32(InputLength);
        w.U32(OutputLength);
        w.U32(Depth);
        w.U32(RotationSteps.Count);
        foreach (int step in RotationSteps)
        {
            w.I32(step);
        }

        w.U32(Layers.Count);
        foreach (LayerPlan l in Layers)
        {
            w.Text(Truncate(l.Layer));
            w.U32(l.InputLength);
            w.U32(l.OutputLength);
            w.U32(l.Depth);
            w.I32(l.LevelAfter);
            w.U32(l.Rotations);
            w.U32(l.PlaintextMultiplications);
            w.U32(l.CiphertextMultiplications);
            w.Text(Truncate(l.Method));
        }

        w.U8(Calibration is null ? (byte)0 : (byte)1);
        if (Calibration is { } c)
        {
            w.U32(c.SampleCount);
            w.U32(c.Fits.Count);
            foreach (ActivationFit fit in c.Fits)
            {
                w.U32(fit.LayerIndex);
                w.U8((byte)fit.Function);
                foreach (ValueRange r in new[] { fit.Calibrated, fit.Covered, fit.Guarded })
                {
                    w.F64(r.Min);
                    w.F64(r.Max);
                }

                w.U8((byte)fit.Degree);
                w.F64(fit.MaxError);
                w.F64(fit.GuardMaxError);
                w.U8(fit.MeetsTarget ? (byte)1 : (byte)0);
            }

            Write(w, c.Polynomial);
            w.U8(c.Encrypted is null ? (byte)0 : (byte)1);
            if (c.Encrypted is not null)
            {
                Write(w, c.Encrypted);
                Write(w, c.EncryptedVersusPolynomial!);
            }
        }

        _bytes = w.ToArray();
        return (byte[])_bytes.Clone();
    }

    /// <summary>Reads a plan written by <see cref="ToBytes"/>, validating every field, and checks its parameters' security.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="securityLevel">The level the parameters must reach (128-bit by default).</param>
    /// <exception cref="CkksFormatException">The bytes are not a valid plan of this version.</exception>
    /// <exception cref="InsecureParametersException">The parameters are below the security level.</exception>
    public static InferencePlan FromBytes(ReadOnlySpan<byte> data, SecurityLevel securityLevel = SecurityLevel.Tc128)
    {
        var r = new ArtifactReader(data);
        r.Header(Magic, FormatVersion, "an inference plan (TSPL)");
        CkksParameters parameters = CkksSerializer.LoadParameters(r.Block(1 << 16, "The parameters"));
        int bits = parameters.CoeffModulus.Sum(q => 64 - (int)ulong.LeadingZeroCount(q));
        int limit = SecurityStandard.MaxCoeffModulusBitCount(parameters.PolyModulusDegree, securityLevel);
        if (bits > limit)
        {
            throw new InsecureParametersException($"The plan's coefficient modulus has {bits} bits; {securityLevel} allows at most {limit} at N = {parameters.PolyModulusDegree}.");
        }

        int levels = parameters.CoeffModulus.Count - 2, slots = parameters.PolyModulusDegree / 2;
        int scaleBits = Within(r.U8(), 20, 60, "The scale's bit count");
        TensorPacking packing = r.U8() switch
        {
            0 => TensorPacking.RowMajor,
            1 => TensorPacking.Batch,
            var p => throw new CkksFormatException($"Packing {p} is not 0 (row-major) or 1 (batch)."),
        };
        int input = r.U32(1, Shape.MaxElements, "The input length"), output = r.U32(1, Shape.MaxElements, "The output length");
        int depth = r.U32(0, levels, "The depth");
        int stepCount = r.U32(0, 4096, "The rotation-step count");
        var steps = new int[stepCount];
        for (int i = 0; i < stepCount; i++)
        {
            steps[i] = r.I32(-slots + 1, slots - 1, "A rotation step");
            if (steps[i] == 0 || (i > 0 && steps[i] <= steps[i - 1]))
            {
                throw new CkksFormatException("The rotation steps must be nonzero and increasing.");
            }
        }

        int layerCount = r.U32(1, Sequential.MaxLayers, "The layer count");
        var layers = new LayerPlan[layerCount];
        int level = levels;
        for (int i = 0; i < layerCount; i++)
        {
            string description = r.Text(MaxText, "A layer description");
            int li = r.U32(1, Shape.MaxElements, "A layer's input length"), lo = r.U32(1, Shape.MaxElements, "A layer's output length");
            int ld = r.U32(0, levels, "A layer's depth");
            level -= ld;
            int after = r.I32(0, levels, "A layer's level");
            if (after != level)
            {
                throw new CkksFormatException($"Layer {i} is at level {after}; its depths give {level}.");
            }

            layers[i] = new LayerPlan(description, li, lo, ld, after, r.U32(0, 1 << 24, "A rotation count"), r.U32(0, int.MaxValue, "A product count"), r.U32(0, int.MaxValue, "A product count"), r.Text(MaxText, "A layer method"));
        }

        if (levels - level != depth || layers[0].InputLength != input || layers[^1].OutputLength != output)
        {
            throw new CkksFormatException("The layers do not add up to the plan's depth, input and output.");
        }

        CalibrationReport? calibration = r.U8() switch
        {
            0 => null,
            1 => ReadCalibration(ref r, layerCount),
            var f => throw new CkksFormatException($"The calibration flag is {f}."),
        };
        r.End("plan");
        var plan = new InferencePlan(parameters, scaleBits, packing, input, output, depth, steps, layers, calibration);
        plan._bytes = data.ToArray();
        return plan;
    }

    private static CalibrationReport ReadCalibration(ref ArtifactReader r, int layerCount)
    {
        int samples = r.U32(1, int.MaxValue, "The calibration sample count");
        int fitCount = r.U32(0, layerCount, "The fit count");
        var fits = new ActivationFit[fitCount];
        for (int i = 0; i < fitCount; i++)
        {
            int layer = r.U32(0, layerCount - 1, "A fit's layer");
            var function = (LayerKind)r.U8();
            if (function is not (LayerKind.Relu or LayerKind.Sigmoid or LayerKind.Tanh or LayerKind.Gelu))
            {
                throw new CkksFormatException($"A fit approximates kind {(int)function}, which has no fit.");
            }

            ValueRange calibrated = Range(ref r), covered = Range(ref r), guarded = Range(ref r);
            int degree = Within(r.U8(), 1, 31, "A fit's degree");
            fits[i] = new ActivationFit(layer, function, calibrated, covered, guarded, degree, NonNegative(ref r), NonNegative(ref r), Flag(ref r));
        }

        AgreementReport polynomial = Agreement(ref r);
        bool encrypted = Flag(ref r);
        return new CalibrationReport(samples, fits, polynomial, encrypted ? Agreement(ref r) : null, encrypted ? Agreement(ref r) : null);
    }

    private static ValueRange Range(ref ArtifactReader r)
    {
        double min = r.F64("A range"), max = r.F64("A range");
        return min <= max ? new ValueRange(min, max) : throw new CkksFormatException($"A range has min {min} > max {max}.");
    }

    private static double NonNegative(ref ArtifactReader r)
    {
        double e = r.F64("An error");
        return e >= 0 ? e : throw new CkksFormatException($"An error is {e}.");
    }

    private static int Within(int value, int min, int max, string field) =>
        value >= min && value <= max ? value : throw new CkksFormatException($"{field} is {value}; {min} to {max} is allowed.");

    private static bool Flag(ref ArtifactReader r) => r.U8() switch
    {
        0 => false,
        1 => true,
        var f => throw new CkksFormatException($"A flag is {f}."),
    };

    private static AgreementReport Agreement(ref ArtifactReader r)
    {
        int samples = r.U32(1, int.MaxValue, "An agreement's sample count");
        double max = NonNegative(ref r), mean = NonNegative(ref r), output = NonNegative(ref r), argmax = NonNegative(ref r);
        return argmax <= 1 ? new AgreementReport(samples, max, mean, output, argmax) : throw new CkksFormatException($"An argmax agreement is {argmax}.");
    }

    private static void Write(BoundedWriter w, AgreementReport a)
    {
        w.U32(a.SampleCount);
        w.F64(a.MaxAbsoluteError);
        w.F64(a.MeanAbsoluteError);
        w.F64(a.MaxAbsoluteOutput);
        w.F64(a.ArgmaxAgreement);
    }

    private static string Truncate(string text)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(text) <= MaxText)
        {
            return text;
        }

        int length = Math.Min(text.Length, MaxText / 4);
        return text[..length];
    }
}
