using System.Globalization;
using System.Text;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Planning;

/// <summary>
/// CKKS parameters, scale, packing, rotation steps and predicted costs for evaluating one model encrypted, chosen
/// by <see cref="InferencePlanner"/> before any key exists.
/// </summary>
public sealed partial class InferencePlan
{
    internal InferencePlan(CkksParameters parameters, int scaleBits, TensorPacking packing, int inputLength, int outputLength, int depth, int[] rotationSteps, LayerPlan[] layers, CalibrationReport? calibration = null)
    {
        Parameters = parameters;
        ScaleBits = scaleBits;
        Packing = packing;
        InputLength = inputLength;
        OutputLength = outputLength;
        Depth = depth;
        RotationSteps = rotationSteps;
        Layers = layers;
        Calibration = calibration;
    }

    /// <summary>What calibration did and what it cost in accuracy (<see cref="Compilation.ModelCompiler"/>); null for a plan made from a model directly.</summary>
    public CalibrationReport? Calibration { get; }

    /// <summary>The CKKS parameters (128-bit secure unless the options said otherwise).</summary>
    public CkksParameters Parameters { get; }

    /// <summary>log2 of the scale Δ.</summary>
    public int ScaleBits { get; }

    /// <summary>The scale Δ = 2^<see cref="ScaleBits"/>.</summary>
    public double Scale => Math.Pow(2, ScaleBits);

    /// <summary>The packing of inputs and activations.</summary>
    public TensorPacking Packing { get; }

    /// <summary>Values per input sample.</summary>
    public int InputLength { get; }

    /// <summary>Values per output.</summary>
    public int OutputLength { get; }

    /// <summary>The total multiplicative depth.</summary>
    public int Depth { get; }

    /// <summary>Samples per ciphertext in batch packing (N/2); 1 in row-major packing.</summary>
    public int SamplesPerCiphertext => Packing == TensorPacking.Batch ? Parameters.PolyModulusDegree / 2 : 1;

    /// <summary>The rotation steps the evaluation needs: Galois keys are created for exactly these.</summary>
    public IReadOnlyList<int> RotationSteps { get; }

    /// <summary>Per-layer plans.</summary>
    public IReadOnlyList<LayerPlan> Layers { get; }

    /// <summary>Total rotations (key switches) per evaluation.</summary>
    public int Rotations => Layers.Sum(l => l.Rotations);

    /// <summary>Total plaintext products per evaluation.</summary>
    public int PlaintextMultiplications => Layers.Sum(l => l.PlaintextMultiplications);

    /// <summary>Total ciphertext products per evaluation.</summary>
    public int CiphertextMultiplications => Layers.Sum(l => l.CiphertextMultiplications);

    /// <summary>Predicted size of one fresh ciphertext at the top level, bit-packed, not seeded.</summary>
    public long CiphertextBytes => 2 * PolynomialBytes(Parameters.CoeffModulus.Count - 1);

    /// <summary>Predicted size of the input message: fresh ciphertexts for one sample (row-major) or one full batch.</summary>
    public long InputBytes => InputCiphertexts * CiphertextBytes;

    /// <summary>The number of input ciphertexts (per sample in row-major packing, per batch in batch packing).</summary>
    public int InputCiphertexts => Packing == TensorPacking.Batch ? InputLength : (InputLength + SamplesPerSlotBlock - 1) / SamplesPerSlotBlock;

    /// <summary>Predicted size of the relinearization keys, seeded (half of each a_j is a 32-byte seed).</summary>
    public long RelinKeyBytes => KeySwitchingKeyBytes;

    /// <summary>Predicted size of the Galois keys for <see cref="RotationSteps"/>, seeded.</summary>
    public long GaloisKeyBytes => RotationSteps.Count * KeySwitchingKeyBytes;

    private int SamplesPerSlotBlock => Parameters.PolyModulusDegree / 2;

    // (L + 1) digits, each one polynomial over all K primes plus a seed.
    private long KeySwitchingKeyBytes => (Parameters.CoeffModulus.Count - 1) * (PolynomialBytes(Parameters.CoeffModulus.Count) + 32);

    /// <summary>A printable plan: parameters, security, depth, per-layer costs and predicted sizes.</summary>
    public string Describe()
    {
        var s = new StringBuilder();
        var bits = Parameters.CoeffModulus.Select(q => 64 - (int)ulong.LeadingZeroCount(q)).ToArray();
        int total = bits.Sum();
        s.AppendLine(CultureInfo.InvariantCulture, $"CKKS N = {Parameters.PolyModulusDegree}, primes {{{string.Join(", ", bits)}}} = {total} bits, scale 2^{ScaleBits}, packing {Packing}");
        s.AppendLine(CultureInfo.InvariantCulture, $"depth {Depth} of {bits.Length - 2} levels; {Rotations} rotations, {PlaintextMultiplications} plaintext and {CiphertextMultiplications} ciphertext products per evaluation; {RotationSteps.Count} Galois keys");
        s.AppendLine(CultureInfo.InvariantCulture, $"{"layer",-44}{"in",7}{"out",7}{"depth",7}{"level",7}{"rot",6}{"ptx×",7}{"ctx×",6}  method");
        foreach (LayerPlan l in Layers)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"{l.Layer,-44}{l.InputLength,7}{l.OutputLength,7}{l.Depth,7}{l.LevelAfter,7}{l.Rotations,6}{l.PlaintextMultiplications,7}{l.CiphertextMultiplications,6}  {l.Method}");
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"predicted sizes: ciphertext {Mb(CiphertextBytes)}, input {Mb(InputBytes)} ({InputCiphertexts} ciphertexts), relinearization keys {Mb(RelinKeyBytes)}, Galois keys {Mb(GaloisKeyBytes)} (seeded)");
        if (Calibration is not null)
        {
            s.Append(Calibration.Describe());
        }

        return s.ToString();
    }

    /// <summary>The same plan with a calibration report.</summary>
    internal InferencePlan WithCalibration(CalibrationReport calibration) =>
        new(Parameters, ScaleBits, Packing, InputLength, OutputLength, Depth, [.. RotationSteps], [.. Layers], calibration);

    private long PolynomialBytes(int limbs)
    {
        long bitsPerCoefficient = Parameters.CoeffModulus.Take(limbs).Sum(q => 64 - (int)ulong.LeadingZeroCount(q));
        return bitsPerCoefficient * Parameters.PolyModulusDegree / 8;
    }

    private static string Mb(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:F1} MiB" : $"{bytes / 1024.0:F0} KiB";
}
