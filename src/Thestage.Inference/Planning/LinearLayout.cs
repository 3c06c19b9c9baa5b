using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Planning;

/// <summary>
/// How one linear step of a row-major plan runs: the length of the vector it reads, its matrix as that vector's rows
/// (permuted when the step before placed its outputs), where it leaves its outputs, and the rotation steps it uses.
/// </summary>
/// <param name="InputLength">The length of the vector read: the input's size, or the slot span of a placed layer before.</param>
/// <param name="Entry">M[s, j] for slot s of that vector and output j (zero for a slot that holds no value).</param>
/// <param name="OutputSlots">The slot of each output (<see cref="LinearTransform(TensorContext, int, Func{int, int, double}, IReadOnlyList{int})"/>); null for output j in slot j.</param>
/// <param name="Steps">The rotation steps of the step's transform.</param>
internal sealed record LinearLayout(int InputLength, Func<int, int, double> Entry, int[]? OutputSlots, IReadOnlyList<int> Steps)
{
    /// <summary>The nonzero diagonals of a placed step (its plaintext products).</summary>
    public int PlacedDiagonals()
    {
        int d = CkksVector.PeriodFor(InputLength, int.MaxValue);
        var diagonals = new HashSet<int>();
        for (int j = 0; j < OutputSlots!.Length; j++)
        {
            for (int i = 0; i < InputLength; i++)
            {
                if (Entry(i, j) != 0)
                {
                    diagonals.Add(((i - OutputSlots[j]) % d + d) % d);
                }
            }
        }

        return diagonals.Count;
    }

    /// <summary>
    /// Lays out the linear steps of <paramref name="program"/> in row-major packing: a step whose outputs are read by a later
    /// linear step only (through activations and flattening, which work slot by slot) places them where they share few
    /// diagonals (<see cref="LinearTransform.PlaceOutputs"/>) when that saves rotations, counting the folds it adds to the
    /// next linear step (which reads the wider span); the others keep their outputs in order.
    /// </summary>
    /// <param name="program">The program.</param>
    /// <param name="slotCount">N/2.</param>
    /// <param name="availableSteps">The rotation steps keys exist for (a plan's); null while planning. A placement whose
    /// steps are not all available is not made, so a plan made before placements existed runs as it was planned.</param>
    /// <returns>One layout per step, null for steps that are not linear.</returns>
    public static LinearLayout?[] Plan(CkksProgram program, int slotCount, IReadOnlyCollection<int>? availableSteps)
    {
        var steps = program.Steps;
        var layouts = new LinearLayout?[steps.Count];
        int[]? placed = null; // where the current values sit (null: in order)
        int span = 0;
        for (int i = 0; i < steps.Count; i++)
        {
            if (steps[i] is not LinearStep linear)
            {
                continue;
            }

            int output = linear.Output.Size;
            (int inputLength, Func<int, int, double> entry) = placed is null ? (linear.Input.Size, linear.Matrix()) : (span, Permuted(linear.Matrix(), placed, span));
            IReadOnlyList<int> inOrder = LinearTransform.Steps(inputLength, output, slotCount);
            placed = null;
            LinearLayout layout = new(inputLength, entry, null, inOrder);
            if (NextLinear(steps, i) is { } next && inputLength <= slotCount && LinearTransform.PlaceOutputs(inputLength, output, entry, slotCount) is { } slots)
            {
                IReadOnlyList<int> placedSteps = LinearTransform.Steps(inputLength, entry, slots, slotCount);
                int d = CkksVector.PeriodFor(inputLength, slotCount), nextOutput = next.Output.Size;
                int addedFolds = LinearTransform.Steps(d, nextOutput, slotCount).Count - LinearTransform.Steps(output, nextOutput, slotCount).Count;
                bool available = availableSteps is null || placedSteps.All(availableSteps.Contains);
                if (available && placedSteps.Count + addedFolds < inOrder.Count)
                {
                    layout = new LinearLayout(inputLength, entry, slots, placedSteps);
                    (placed, span) = (slots, d);
                }
            }

            layouts[i] = layout;
        }

        return layouts;
    }

    // The next step that reads step i's outputs, when it is linear and only slot-wise steps come between.
    private static LinearStep? NextLinear(IReadOnlyList<CkksStep> steps, int i)
    {
        for (int k = i + 1; k < steps.Count; k++)
        {
            switch (steps[k])
            {
                case LinearStep next:
                    return next;
                case PolynomialStep or FreeStep:
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    // Row s of the permuted matrix is the row of the value placed in slot s (zero where no value is).
    private static Func<int, int, double> Permuted(Func<int, int, double> matrix, int[] placed, int span)
    {
        var rowAt = new int[span];
        Array.Fill(rowAt, -1);
        for (int r = 0; r < placed.Length; r++)
        {
            rowAt[placed[r]] = r;
        }

        return (s, j) => rowAt[s] >= 0 ? matrix(rowAt[s], j) : 0;
    }
}
