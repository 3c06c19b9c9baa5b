namespace Thestage.Proofs.Commitments;

/// <summary>
/// Parameters of the Ligero/Brakedown-style multilinear commitment: the Reed–Solomon rate
/// <c>ρ = 2^−LogBlowup</c>, the number <c>t</c> of column queries, and the matrix shape derived from them.
/// </summary>
/// <remarks>
/// <para>
/// Soundness. The code has relative distance <c>1 − ρ</c>. By the proximity-gaps theorem of Ben-Sasson,
/// Carmon, Ishai, Kopparty and Saraf ("Proximity gaps for Reed–Solomon codes", FOCS 2020, eprint 2020/654,
/// Theorem 1.6 / §4, unique-decoding regime), if the committed interleaved codeword is <c>δ</c>-far from the
/// interleaved code for <c>δ = (1 − ρ)/2</c> (the unique-decoding radius), a random linear combination of its
/// rows is <c>δ</c>-far from the code except with probability at most <c>n / |F_ext|</c>, <c>n</c> the codeword
/// length; each independent column query then catches the inconsistency with probability at least <c>δ</c>.
/// If the matrix is <c>δ</c>-close it decodes uniquely, and a wrong evaluation row differs from the decoded
/// combination in at least <c>1 − ρ − δ ≥ δ</c> of the positions (Ligero: Ames, Hazay, Ishai, Venkitasubramaniam,
/// CCS 2017, §4; Brakedown: Golovnev, Lee, Setty, Thaler, Wahby, eprint 2021/1043, §4). Hence
/// </para>
/// <para>
/// <c>ε ≤ (1 − δ)^t + n / |F_ext|</c>, and the security level is <c>bits = −log2 ε</c>. This is a proven bound: it stays in
/// the unique-decoding regime, where the proximity-gaps theorem holds unconditionally, and does not assume the conjectured
/// gaps up to the list-decoding capacity (<c>δ → 1 − ρ</c>) that some systems use to need fewer queries.
/// </para>
/// <para>
/// Defaults: <c>ρ = 1/4</c>, <c>δ = 3/8</c>, <c>−log2(5/8) ≈ 0.678</c> bits per query; 148 queries give 100.4 bits
/// of query term and the default <c>t = 152</c> gives 103.1, leaving room for composing two openings in one
/// protocol. The column count is at most <c>2^24</c> (<c>n ≤ 2^26</c>), so with <see cref="Fields.GoldilocksExt2"/>
/// (<c>|F| ≈ 2^128</c>) the field term is at most <c>2^−102</c> and the total at least 101.4 bits for every size.
/// Whoever publishes a statement chooses its parameters (down to <c>LigeroParameters(1, 1)</c>: one query, <c>0.4</c> bits);
/// verifiers refuse statements below their <see cref="VerifierPolicy.MinimumSoundnessBits"/>.
/// </para>
/// <para>
/// Shape. For <c>2^v</c> evaluations arranged as <c>2^(v−c)</c> rows of <c>k = 2^c</c>, an opening sends two
/// extension-field rows (<c>2 · 16 · k</c> bytes), about <c>t</c> opened columns of <c>2^(v−c)</c> base elements
/// plus a 16-byte salt each, and a batch Merkle proof of about <c>q · (log2 n − log2 q)</c> digests for <c>q</c>
/// distinct queried columns. <see cref="ColumnVariables"/> picks the <c>c</c> minimising this estimate, so the
/// shape balances <c>k ≈ √(t · 2^v / 4)</c> rather than the square layout.
/// </para>
/// </remarks>
public sealed class LigeroParameters
{
    /// <summary>The largest supported number of variables of a committed polynomial.</summary>
    public const int MaxVariables = 48;

    /// <summary>The largest supported number of column queries.</summary>
    public const int MaxColumnQueries = 4096;

    /// <summary>The largest number of column variables (message length at most <c>2^24</c>).</summary>
    public const int MaxColumnVariables = 24;

    private const int ExtensionElementBytes = 16;

    /// <summary>Initializes new parameters.</summary>
    /// <param name="logBlowup"><c>log2(1/ρ)</c>, in <c>[1, 4]</c>.</param>
    /// <param name="columnQueries">The number of column queries <c>t</c>, in <c>[1, 4096]</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public LigeroParameters(int logBlowup, int columnQueries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(logBlowup, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logBlowup, 4);
        ArgumentOutOfRangeException.ThrowIfLessThan(columnQueries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columnQueries, MaxColumnQueries);
        LogBlowup = logBlowup;
        ColumnQueries = columnQueries;
    }

    /// <summary>Gets the default parameters: rate 1/4 and 152 column queries (≥ 101.4 bits, see remarks).</summary>
    public static LigeroParameters Default { get; } = new(2, 152);

    /// <summary>Gets <c>log2(1/ρ)</c>.</summary>
    public int LogBlowup { get; }

    /// <summary>Gets the number of column queries <c>t</c>.</summary>
    public int ColumnQueries { get; }

    /// <summary>Gets the code rate <c>ρ</c>.</summary>
    public double Rate => 1.0 / (1 << LogBlowup);

    /// <summary>Gets the proximity parameter <c>δ = (1 − ρ)/2</c>, the unique-decoding radius (BCIKS 2020).</summary>
    public double Delta => (1.0 - Rate) / 2.0;

    /// <summary>Computes the number of column variables <c>c</c> (row length <c>2^c</c>) that minimises the estimated proof size.</summary>
    /// <param name="numVariables">The number of variables of the polynomial.</param>
    /// <returns>The column variables; the remaining <c>v − c</c> (first) variables index rows.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numVariables"/> is out of range.</exception>
    public int ColumnVariables(int numVariables)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numVariables);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numVariables, MaxVariables);
        int low = Math.Max(0, numVariables - MaxColumnVariables);
        int high = Math.Min(numVariables, MaxColumnVariables);
        int best = high;
        double bestBytes = double.MaxValue;
        for (int c = low; c <= high; c++)
        {
            double bytes = EstimatedProofBytes(numVariables, c);
            if (bytes < bestBytes)
            {
                bestBytes = bytes;
                best = c;
            }
        }

        return best;
    }

    /// <summary>Computes the number of row variables <c>v − c</c> of the matrix layout.</summary>
    /// <param name="numVariables">The number of variables of the polynomial.</param>
    /// <returns>The row variables (the first variables of the polynomial).</returns>
    public int RowVariables(int numVariables) => numVariables - ColumnVariables(numVariables);

    /// <summary>Estimates the serialized opening size for a given shape (see remarks).</summary>
    /// <param name="numVariables">The number of variables of the polynomial.</param>
    /// <param name="columnVariables">The number of column variables <c>c ≤ v</c>.</param>
    /// <returns>The estimated number of bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public double EstimatedProofBytes(int numVariables, int columnVariables)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columnVariables);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columnVariables, numVariables);
        double k = Math.Pow(2.0, columnVariables);
        double rows = Math.Pow(2.0, numVariables - columnVariables);
        double n = k * (1 << LogBlowup);
        double distinct = n * (1.0 - Math.Pow(1.0 - (1.0 / n), ColumnQueries));
        double siblings = distinct * Math.Max(0.0, Math.Log2(n) - Math.Log2(distinct));
        return (2 * ExtensionElementBytes * k) + (distinct * ((8 * rows) + 16)) + (32 * siblings);
    }

    /// <summary>Computes the soundness <c>−log2((1 − δ)^t + n/|F_ext|)</c> in bits.</summary>
    /// <param name="numVariables">The number of variables of the committed polynomial.</param>
    /// <param name="log2FieldSize"><c>log2 |F_ext|</c> of the challenge field.</param>
    /// <returns>The security level in bits.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numVariables"/> is out of range.</exception>
    public double SoundnessBits(int numVariables, double log2FieldSize)
    {
        double queryTerm = ColumnQueries * Math.Log2(1.0 - Delta);
        int log2CodewordLength = ColumnVariables(numVariables) + LogBlowup;
        double fieldTerm = log2CodewordLength - log2FieldSize;
        double high = Math.Max(queryTerm, fieldTerm);
        double low = Math.Min(queryTerm, fieldTerm);
        return -(high + Math.Log2(1.0 + Math.Pow(2.0, low - high)));
    }
}
