
namespace Thestage.Privacy.Tensors;

/// <summary>
/// Gathers the rotation steps that a planned sequence of tensor operations needs, so that a client creates
/// Galois keys for exactly those steps (<c>KeyGenerator.CreateGaloisKeys(plan.Steps)</c>) instead of all
/// power-of-two steps. Each operation contributes the steps it states itself.
/// </summary>
public sealed class RotationPlan
{
    private readonly SortedSet<int> _steps = [];

    /// <summary>Creates an empty plan for a context with <paramref name="slotCount"/> slots.</summary>
    /// <param name="slotCount">N/2, a power of two.</param>
    public RotationPlan(int slotCount)
    {
        if (slotCount < 1 || !int.IsPow2(slotCount))
        {
            throw new ArgumentOutOfRangeException(nameof(slotCount), slotCount, "The slot count is a power of two.");
        }

        SlotCount = slotCount;
    }

    /// <summary>The slot count the steps are for.</summary>
    public int SlotCount { get; }

    /// <summary>The distinct steps gathered so far, ascending.</summary>
    public int[] Steps => [.. _steps];

    /// <summary>Adds the steps of <see cref="CkksVector.Sum"/> (and dot products) on an n-vector: P/2, P/4, …, 1.</summary>
    /// <param name="length">n.</param>
    public RotationPlan AddSum(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        for (int step = CkksVector.PeriodFor(length, SlotCount) / 2; step >= 1; step /= 2)
        {
            _steps.Add(step);
        }

        return this;
    }

    /// <summary>Adds the steps of a <see cref="LinearTransform"/> (matrix product, convolution, pooling) from n inputs to m outputs.</summary>
    /// <param name="inputLength">n.</param>
    /// <param name="outputLength">m ≤ N/2.</param>
    public RotationPlan AddMatMul(int inputLength, int outputLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputLength, 1);
        foreach (int step in LinearTransform.Steps(inputLength, outputLength, SlotCount))
        {
            _steps.Add(step);
        }

        return this;
    }

    /// <summary>Adds explicit steps (each in (−N/2, N/2), 0 ignored).</summary>
    /// <param name="steps">The steps.</param>
    public RotationPlan AddSteps(IEnumerable<int> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        foreach (int step in steps)
        {
            if (step <= -SlotCount || step >= SlotCount)
            {
                throw new ArgumentOutOfRangeException(nameof(steps), step, $"Steps lie in ({-SlotCount}, {SlotCount}).");
            }

            if (step != 0)
            {
                _steps.Add(step);
            }
        }

        return this;
    }

    /// <summary>The number of distinct steps (each one Galois key).</summary>
    public int Count => _steps.Count;
}
