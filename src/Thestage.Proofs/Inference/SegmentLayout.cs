using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Inference;

/// <summary>
/// Packs power-of-two segments (weight matrices, biases, witness vectors) into one or two multilinear
/// polynomials: segments are placed largest first, so every offset is aligned to its size and a claim
/// <c>S̃(z)</c> on a segment is the claim <c>P̃(b, z)</c> on its polynomial, <c>b</c> the Boolean offset prefix.
/// </summary>
/// <remarks>
/// With <c>splitLargest</c>, a segment larger than all others together gets a polynomial of its own, so that it
/// is not padded to twice its size (a 784→1024-padded 128-row Dense matrix stays at <c>2^17</c> instead of
/// <c>2^18</c>); each polynomial is then opened once (Ligero, see <see cref="Commitments.LigeroParameters"/>). With
/// <c>splitOnlyWhenSmaller</c> as well (the inference weights), the split is made only when the two openings are estimated
/// smaller than the one opening of the padded whole, under the default Ligero parameters
/// (<see cref="Commitments.LigeroParameters.EstimatedProofBytes"/>): LeNet-5's weights (a <c>2^16</c> matrix beside
/// <c>2^14.5</c> of others) stay one <c>2^17</c> polynomial, about 169 KiB opened instead of 131 + 94 KiB, while the
/// 784-128-10 MLP's <c>2^17</c> matrix keeps its own polynomial beside a <c>2^12</c> one (209 KiB instead of 238 KiB).
/// </remarks>
internal sealed class SegmentLayout
{
    private readonly int[] _logSizes;
    private readonly int[] _polynomial;
    private readonly int[] _offset;

    private SegmentLayout(int[] logSizes, int[] polynomial, int[] offset, int[] numVariables)
    {
        _logSizes = logSizes;
        _polynomial = polynomial;
        _offset = offset;
        NumVariables = numVariables;
    }

    /// <summary>Gets the number of variables of each polynomial.</summary>
    public int[] NumVariables { get; }

    public int SegmentCount => _logSizes.Length;

    public static SegmentLayout Create(IReadOnlyList<int> logSizes, bool splitLargest, bool splitOnlyWhenSmaller = false)
    {
        int count = logSizes.Count;
        int[] order = Enumerable.Range(0, count).OrderByDescending(i => logSizes[i]).ThenBy(i => i).ToArray();
        var polynomial = new int[count];
        var offset = new int[count];
        long total = logSizes.Sum(l => 1L << l);
        bool split = splitLargest && count > 1 && (1L << logSizes[order[0]]) > total - (1L << logSizes[order[0]])
            && (!splitOnlyWhenSmaller || OpeningBytes(logSizes[order[0]]) + OpeningBytes(CeilLog2(total - (1L << logSizes[order[0]]))) < OpeningBytes(CeilLog2(total)));
        var used = new long[split ? 2 : 1];
        foreach (int i in order)
        {
            int group = split && i != order[0] ? 1 : 0;
            polynomial[i] = group;
            offset[i] = (int)used[group];
            used[group] += 1L << logSizes[i];
        }

        int[] numVariables = used.Select(CeilLog2).ToArray();
        if (numVariables.Any(v => v > 30))
        {
            throw new ArgumentException("The segments are too large to commit.");
        }

        return new SegmentLayout([.. logSizes], polynomial, offset, numVariables);
    }

    public int PolynomialOf(int segment) => _polynomial[segment];

    private static int CeilLog2(long size)
    {
        int v = 0;
        while ((1L << v) < size)
        {
            v++;
        }

        return v;
    }

    /// <summary>
    /// The estimated opening size of a polynomial of <paramref name="numVariables"/> variables under the plain Ligero parameters
    /// (the default when the layout rule was fixed): the layout is part of every format that carries weight roots, so it must not
    /// follow the default parameters, which became hiding.
    /// </summary>
    private static double OpeningBytes(int numVariables)
    {
        Commitments.LigeroParameters parameters = Commitments.LigeroParameters.NonHidingForBenchmarks;
        int v = Math.Min(numVariables, Commitments.LigeroParameters.MaxVariables);
        return parameters.EstimatedProofBytes(v, parameters.ColumnVariables(v));
    }

    public int LogSizeOf(int segment) => _logSizes[segment];

    /// <summary>Gets the segment's offset in its polynomial's table (a multiple of its size).</summary>
    public int OffsetOf(int segment) => _offset[segment];

    /// <summary>Builds the polynomials' evaluation tables from the segments (zero elsewhere).</summary>
    public Goldilocks[][] Assemble(IReadOnlyList<Goldilocks[]> segments)
    {
        Goldilocks[][] result = NumVariables.Select(v => new Goldilocks[1 << v]).ToArray();
        for (int i = 0; i < segments.Count; i++)
        {
            segments[i].CopyTo(result[_polynomial[i]], _offset[i]);
        }

        return result;
    }

    /// <summary>Maps a point on a segment to the point on its polynomial: the Boolean offset prefix, then <paramref name="point"/>.</summary>
    public T[] Lift<T>(int segment, ReadOnlySpan<T> point)
        where T : struct, IField<T>
    {
        int total = NumVariables[_polynomial[segment]];
        int prefix = total - _logSizes[segment];
        var result = new T[total];
        int block = _offset[segment] >> _logSizes[segment];
        for (int i = 0; i < prefix; i++)
        {
            result[i] = ((block >> (prefix - 1 - i)) & 1) != 0 ? T.One : T.Zero;
        }

        point.CopyTo(result.AsSpan(prefix));
        return result;
    }
}
