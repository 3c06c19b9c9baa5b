using Thestage.Models;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Planning;

/// <summary>
/// Chooses CKKS parameters, scale, packing and rotation steps for a model: the smallest ring dimension N whose
/// 128-bit bound (HomomorphicEncryption.org) holds the chain {first, scale × depth, special} and whose slots hold
/// every layer, and exactly the rotation steps the layers' linear transforms use.
/// </summary>
/// <remarks>
/// Scale bits s = precision + 10 (at least 20); the first and special primes get s + integer bits (at most 60), so the
/// output keeps |x| &lt; 2^(integer bits) with the requested precision. A model too deep for any 128-bit parameter set
/// (N ≤ 32768) is refused with a message that says what it needs.
/// </remarks>
public static class InferencePlanner
{
    private static readonly int[] RingDimensions = [8192, 16384, 32768];

    /// <summary>Plans the encrypted evaluation of <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">What is asked for (defaults when null).</param>
    /// <exception cref="InsecureParametersException">No parameter set at the security level holds the model's depth.</exception>
    /// <exception cref="ArgumentException">A layer's output does not fit the slots of any ring dimension.</exception>
    /// <exception cref="NotSupportedException">The model has an exact activation (ReLU, sigmoid, tanh, GELU: fit a polynomial
    /// first) or a max pooling, which have no CKKS evaluation.</exception>
    public static InferencePlan Plan(Sequential model, PlannerOptions? options = null)
    {
        CkksProgram program = CkksProgram.Lower(model);
        options ??= new PlannerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PrecisionBits, 4);
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntegerBits);
        int depth = program.Depth;
        int scaleBits = Math.Max(20, options.PrecisionBits + 10);
        int edgeBits = Math.Min(60, scaleBits + options.IntegerBits);
        if (scaleBits > 60)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PrecisionBits, "At most 50 bits of precision can be planned (60-bit primes).");
        }

        int widest = Enumerable.Range(0, model.Layers.Count).Select(i => model.OutputShapeOf(i).Size).Max();
        int needed = 2 * edgeBits + depth * scaleBits;
        foreach (int n in RingDimensions)
        {
            int limit = SecurityStandard.MaxCoeffModulusBitCount(n, options.SecurityLevel);
            bool fits = options.Packing == TensorPacking.Batch || LinearOutputsFit(program, n / 2);
            if (needed <= limit && fits)
            {
                int[] bits = [edgeBits, .. Enumerable.Repeat(scaleBits, depth), edgeBits];
                var parameters = new CkksParameters(n, bits);
                return Build(program, parameters, scaleBits, options.Packing);
            }
        }

        int max = SecurityStandard.MaxCoeffModulusBitCount(RingDimensions[^1], options.SecurityLevel);
        if (needed > max)
        {
            throw new InsecureParametersException(
                $"The model needs multiplicative depth {depth}: at scale 2^{scaleBits} that is a {needed}-bit coefficient modulus, more than any {options.SecurityLevel} parameter set allows " +
                $"(at most {max} bits, N = {RingDimensions[^1]}). Use fewer or lower-degree activations, or ask for less precision.");
        }

        throw new ArgumentException($"A layer has {widest} values, more than the {RingDimensions[^1] / 2} slots of N = {RingDimensions[^1]}; use batch packing or a smaller layer.");
    }

    // A linear transform's output must fit one ciphertext; its input may span several.
    private static bool LinearOutputsFit(CkksProgram program, int slots) => program.Steps.All(s => s is not LinearStep || s.Output.Size <= slots);

    private static InferencePlan Build(CkksProgram program, CkksParameters parameters, int scaleBits, TensorPacking packing)
    {
        int slots = parameters.PolyModulusDegree / 2;
        int level = parameters.CoeffModulus.Count - 2;
        var steps = new SortedSet<int>();
        var layers = new List<LayerPlan>();
        LinearLayout?[] layouts = packing == TensorPacking.RowMajor ? LinearLayout.Plan(program, slots, null) : new LinearLayout?[program.Steps.Count];
        for (int index = 0; index < program.Steps.Count; index++)
        {
            CkksStep step = program.Steps[index];
            int input = step.Input.Size;
            int output = step.Output.Size;
            level -= step.Depth;
            int rotations = 0, plain = 0, cipher = 0;
            string method;
            switch (step)
            {
                case LinearStep when layouts[index] is { } layout:
                    steps.UnionWith(layout.Steps);
                    rotations = layout.Steps.Count;
                    if (layout.OutputSlots is null)
                    {
                        int mp = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)output);
                        plain = mp * ((layout.InputLength + slots - 1) / slots);
                        method = layout.InputLength == input ? $"BSGS diagonals ({mp} diagonals)" : $"BSGS diagonals ({mp} diagonals, rows permuted from {layout.InputLength} slots)";
                    }
                    else
                    {
                        plain = layout.PlacedDiagonals();
                        method = $"BSGS diagonals, outputs placed ({plain} diagonals, no fold)";
                    }

                    break;
                case LinearStep linear:
                    plain = NonZeroWeights(linear.Matrix(), input, output);
                    method = "per-slot scalar products";
                    break;
                case PolynomialStep activation:
                    int degree = activation.Polynomial.Degree;
                    int d = activation.Depth;
                    int units = packing == TensorPacking.Batch ? output : (output + slots - 1) / slots;
                    cipher = units * (activation.IsSquare ? 1 : (1 << (d - 1)) - 1 + d - 1);
                    plain = activation.IsSquare ? 0 : units * Math.Max(1, (degree + 1) / 2);
                    method = activation.IsSquare ? "square + relinearize + rescale" : $"polynomial degree {degree}, depth {d}";
                    break;
                default:
                    method = "free (row-major order unchanged)";
                    break;
            }

            layers.Add(new LayerPlan(step.Description, input, output, step.Depth, level, rotations, plain, cipher, method));
        }

        return new InferencePlan(parameters, scaleBits, packing, program.Model.InputShape.Size, program.Model.OutputShape.Size, program.Depth, [.. steps], [.. layers]);
    }

    private static int NonZeroWeights(Func<int, int, double> matrix, int input, int output)
    {
        int count = 0;
        for (int i = 0; i < input; i++)
        {
            for (int j = 0; j < output; j++)
            {
                if (matrix(i, j) != 0)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
