namespace Thestage.Privacy.Tensors;

/// <summary>Linear maps whose outputs are placed in chosen slots, so that few generalized diagonals are nonzero.</summary>
public sealed partial class LinearTransform
{
    // Entry checks PlaceOutputs may make at most (candidate slots × nonzero rows, candidates being nonzero rows × the
    // diagonals found so far); beyond that the matrix is too dense for a placement to pay and it declines.
    private const long PlacementBudget = 1L << 27;

    // Giant-step strides tried by the baby-step/giant-step split of a placed transform.
    private const int MaxGiantStride = 512;

    /// <summary>
    /// Creates y = x·M whose output j is left in slot <paramref name="outputSlots"/>[j] of a vector of length D (the
    /// input's period, <see cref="CkksVector.PeriodFor"/>), zero in the other slots, instead of in slot j. The next
    /// linear map reads that vector with its rows permuted (row s of it is the row of the output placed in slot s).
    /// </summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="inputLength">n, at most N/2.</param>
    /// <param name="entry">M[i, j] for input i and output j.</param>
    /// <param name="outputSlots">The slot of each output j, distinct, in [0, D).</param>
    /// <remarks>
    /// <para>With x replicated at period D, output j in slot p_j reads x_i through the diagonal k = (i − p_j) mod D:
    /// y = Σ_k rot(x, k) ⊙ diag_k with diag_k[p_j] = M[(p_j + k) mod D, j]. A convolution whose output (o, y, x) sits at
    /// its window's first input pixel plus a per-channel offset (<see cref="PlaceOutputs"/>) has only the diagonals of
    /// its kernel offsets — 70 instead of 256 for TenSEAL's MNIST convolution — and needs no fold, as no two outputs
    /// share a slot. The diagonals k = g + b are split into giant steps g (multiples of a stride G) and baby steps b
    /// (an interval of G offsets) with G and the interval chosen to need the fewest rotations, the baby steps hoisted
    /// (Halevi–Shoup, CRYPTO 2018). The result has length D and keeps the input's scale.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">n is out of range.</exception>
    /// <exception cref="ArgumentException">A slot is out of range or used twice, or an entry is not finite.</exception>
    public LinearTransform(TensorContext tensors, int inputLength, Func<int, int, double> entry, IReadOnlyList<int> outputSlots)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(outputSlots);
        Placement placement = Place(inputLength, entry, outputSlots, tensors.SlotCount);
        _tensors = tensors;
        _d = placement.D;
        InputLength = inputLength;
        OutputLength = placement.D;
        OutputSlots = [.. outputSlots];
        _babySteps = placement.Babies;
        _giantSteps = placement.Giants;
        _folds = [];
        int[] outputAt = placement.OutputAt;
        var offsets = new HashSet<int>(placement.Offsets);
        _diagonals = [BuildDiagonals((k, i) => outputAt[i] is int j and >= 0 && (i + k) % placement.D is int row && row < inputLength ? entry(row, j) : 0, offsets.Contains)];
        RotationSteps = placement.Steps;
    }

    /// <summary>The slot of each output in a placed transform (<see cref="LinearTransform(TensorContext, int, Func{int, int, double}, IReadOnlyList{int})"/>); null when output j is in slot j.</summary>
    public IReadOnlyList<int>? OutputSlots { get; }

    /// <summary>The rotation steps of a placed transform (see <see cref="LinearTransform(TensorContext, int, Func{int, int, double}, IReadOnlyList{int})"/>).</summary>
    /// <param name="inputLength">n.</param>
    /// <param name="entry">M[i, j].</param>
    /// <param name="outputSlots">The slot of each output.</param>
    /// <param name="slotCount">N/2.</param>
    /// <exception cref="ArgumentException">A slot is out of range or used twice.</exception>
    public static IReadOnlyList<int> Steps(int inputLength, Func<int, int, double> entry, IReadOnlyList<int> outputSlots, int slotCount)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(outputSlots);
        return Place(inputLength, entry, outputSlots, slotCount).Steps;
    }

    /// <summary>
    /// Chooses a slot for each output of y = x·M so that the outputs share few diagonals (see
    /// <see cref="LinearTransform(TensorContext, int, Func{int, int, double}, IReadOnlyList{int})"/>): greedily, output by
    /// output, the free slot in [0, D) that adds the fewest diagonals not used yet (the lowest slot among equals). For a
    /// strided convolution on row-major input this puts each output at its window's first input pixel plus an offset per
    /// output channel; for TenSEAL's MNIST convolution (28 × 28, 4 channels 7 × 7, stride 3) output (o, y, x) lands in
    /// slot 84·y + 3·x + (0, 1, 2, 28)[o].
    /// </summary>
    /// <param name="inputLength">n, at most N/2.</param>
    /// <param name="outputLength">m, at most D.</param>
    /// <param name="entry">M[i, j].</param>
    /// <param name="slotCount">N/2.</param>
    /// <returns>The slots, or null when the matrix is too dense for a placement to be found cheaply (a dense map keeps
    /// its outputs in order: its diagonals are all nonzero in any placement).</returns>
    public static int[]? PlaceOutputs(int inputLength, int outputLength, Func<int, int, double> entry, int slotCount)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputLength, 1);
        if (inputLength > slotCount)
        {
            return null;
        }

        int d = CkksVector.PeriodFor(inputLength, slotCount);
        if (outputLength > d)
        {
            return null;
        }

        var columns = new int[outputLength][];
        var rows = new List<int>();
        for (int j = 0; j < outputLength; j++)
        {
            rows.Clear();
            for (int i = 0; i < inputLength; i++)
            {
                if (entry(i, j) != 0)
                {
                    rows.Add(i);
                }
            }

            columns[j] = [.. rows];
        }

        var used = new bool[d];           // diagonal k is nonzero already
        var taken = new bool[d];          // slot p holds an output
        var seen = new int[d];            // the output whose candidates included slot p (+1)
        var diagonals = new List<int>();
        var slots = new int[outputLength];
        long work = 0;
        for (int j = 0; j < outputLength; j++)
        {
            int[] nz = columns[j];
            int best = int.MaxValue, bestSlot = -1;
            void Consider(int p)
            {
                if (taken[p] || seen[p] == j + 1)
                {
                    return;
                }

                seen[p] = j + 1;
                int added = 0;
                foreach (int i in nz)
                {
                    if (!used[Mod(i - p, d)] && ++added > best)
                    {
                        return;
                    }
                }

                if (added < best || (added == best && p < bestSlot))
                {
                    (best, bestSlot) = (added, p);
                }
            }

            work += (long)nz.Length * diagonals.Count * nz.Length;
            if (work > PlacementBudget)
            {
                return null;
            }

            Consider(Array.IndexOf(taken, false));
            foreach (int i in nz)
            {
                foreach (int k in diagonals)
                {
                    Consider(Mod(i - k, d));
                }
            }

            slots[j] = bestSlot;
            taken[bestSlot] = true;
            foreach (int i in nz)
            {
                int k = Mod(i - bestSlot, d);
                if (!used[k])
                {
                    used[k] = true;
                    diagonals.Add(k);
                }
            }
        }

        return slots;
    }

    private sealed record Placement(int D, int[] OutputAt, int[] Offsets, int[] Babies, int[] Giants, int[] Steps);

    // Validates the slots, finds the nonzero diagonals and the baby-step/giant-step split with the fewest rotations.
    private static Placement Place(int inputLength, Func<int, int, double> entry, IReadOnlyList<int> outputSlots, int slotCount)
    {
        if (inputLength < 1 || inputLength > slotCount)
        {
            throw new ArgumentOutOfRangeException(nameof(inputLength), inputLength, $"A placed transform takes 1 to {slotCount} inputs.");
        }

        int d = CkksVector.PeriodFor(inputLength, slotCount);
        if (outputSlots.Count < 1 || outputSlots.Count > d)
        {
            throw new ArgumentException($"A placed transform has 1 to {d} outputs; got {outputSlots.Count}.", nameof(outputSlots));
        }

        var outputAt = new int[d];
        Array.Fill(outputAt, -1);
        var nonZero = new bool[d];
        for (int j = 0; j < outputSlots.Count; j++)
        {
            int p = outputSlots[j];
            if (p < 0 || p >= d || outputAt[p] >= 0)
            {
                throw new ArgumentException($"Output {j} is placed in slot {p}: slots must be distinct and in [0, {d}).", nameof(outputSlots));
            }

            outputAt[p] = j;
            for (int i = 0; i < inputLength; i++)
            {
                if (entry(i, j) != 0)
                {
                    nonZero[Mod(i - p, d)] = true;
                }
            }
        }

        // Diagonals as signed offsets in (−D/2, D/2]: a kernel's offsets around its window's corner stay together.
        int[] ks = [.. Enumerable.Range(0, d).Where(k => nonZero[k]).Select(k => k > d / 2 ? k - d : k)];
        if (ks.Length == 0)
        {
            return new Placement(d, outputAt, [], [0], [0], []);
        }

        (int stride, int first) = Split(ks);
        int[] babies = [.. ks.Select(k => first + Mod(k - first, stride)).Distinct().Order()];
        int[] giants = [.. ks.Select(k => k - (first + Mod(k - first, stride))).Distinct().Order()];
        int[] steps = [.. babies.Concat(giants).Where(s => s != 0).Distinct().Order()];
        return new Placement(d, outputAt, ks, babies, giants, steps);
    }

    // The stride G and the first baby step s (babies in [s, s + G)) that minimize the rotations, a hoisted baby step
    // counting 3 and a giant step (a whole key switch) 5 (measured 1.4 and 2.4 ms at N = 8192, six primes).
    private static (int Stride, int First) Split(int[] ks)
    {
        int low = ks.Min(), high = ks.Max();
        int maxStride = Math.Min(high - low + 1, MaxGiantStride);
        var babyMark = new int[maxStride + 1];
        var giantSet = new HashSet<int>();
        (int cost, int stride, int first) best = (int.MaxValue, 1, 0);
        for (int g = 1; g <= maxStride; g++)
        {
            // The baby count is that of distinct residues (0 is free), whatever the interval.
            int babies = 0;
            foreach (int k in ks)
            {
                int r = Mod(k, g);
                if (babyMark[r] != g)
                {
                    babyMark[r] = g;
                    babies += r == 0 ? 0 : 1;
                }
            }

            for (int s = 0; s > -g; s--)
            {
                giantSet.Clear();
                foreach (int k in ks)
                {
                    int giant = k - (s + Mod(k - s, g));
                    if (giant != 0)
                    {
                        giantSet.Add(giant);
                    }
                }

                int cost = 3 * babies + 5 * giantSet.Count;
                if (cost < best.cost)
                {
                    best = (cost, g, s);
                }
            }
        }

        return (best.stride, best.first);
    }
}
