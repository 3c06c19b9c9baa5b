namespace Thestage.Proofs.Commitments;

/// <summary>
/// Parameters of the Ligero/Brakedown-style multilinear commitment: the Reed–Solomon rate
/// <c>ρ = 2^−LogBlowup</c> and the number <c>t</c> of column queries.
/// </summary>
/// <remarks>
/// <para>
/// Soundness (Ligero: Ames, Hazay, Ishai, Venkitasubramaniam, CCS 2017, §4, Lemmas 4.2–4.3 with
/// <c>e &lt; d/3</c>; Brakedown: Golovnev, Lee, Setty, Thaler, Wahby, eprint 2021/1043, §4). The code has
/// relative distance <c>1 − ρ</c>; in the unique-decoding regime a committed matrix whose random
/// combination is <c>δ = (1 − ρ)/3</c>-far from the code is caught by each independent column query
/// with probability at least <c>δ</c>, and the random combination itself fails to preserve
/// farness (or a wrong evaluation survives) with probability at most about <c>n / |F_ext|</c>,
/// <c>n</c> the codeword length. Hence
/// </para>
/// <para><c>ε ≤ (1 − δ)^t + n / |F_ext|</c>, and the security level is <c>bits = −log2 ε</c>.</para>
/// <para>
/// Defaults: <c>ρ = 1/4</c> (<c>δ = 1/4</c>, <c>−log2(3/4) ≈ 0.415</c> bits per query) and <c>t = 256</c>,
/// so the query term is <c>2^−106.2</c>; with <see cref="Fields.GoldilocksExt2"/> (<c>|F| ≈ 2^128</c>) and
/// at most <see cref="MaxVariables"/> variables (<c>n ≤ 2^26</c>, field term <c>≤ 2^−102</c>) the total is
/// above 101 bits. With this conservative <c>δ = (1 − ρ)/3</c>, 100 bits need 241 queries and 128 bits
/// need 309 at rate 1/4 (the often-quoted 150 / 190 correspond to <c>δ = (1 − ρ)/2</c>).
/// </para>
/// </remarks>
public sealed class LigeroParameters
{
    /// <summary>The largest supported number of variables of a committed polynomial.</summary>
    public const int MaxVariables = 48;

    /// <summary>The largest supported number of column queries.</summary>
    public const int MaxColumnQueries = 4096;

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

    /// <summary>Gets the default parameters: rate 1/4 and 256 column queries (≥ 101 bits, see remarks).</summary>
    public static LigeroParameters Default { get; } = new(2, 256);

    /// <summary>Gets <c>log2(1/ρ)</c>.</summary>
    public int LogBlowup { get; }

    /// <summary>Gets the number of column queries <c>t</c>.</summary>
    public int ColumnQueries { get; }

    /// <summary>Gets the code rate <c>ρ</c>.</summary>
    public double Rate => 1.0 / (1 << LogBlowup);

    /// <summary>Gets the proximity parameter <c>δ = (1 − ρ)/3</c>.</summary>
    public double Delta => (1.0 - Rate) / 3.0;

    /// <summary>Computes the number of row variables of the matrix layout (the remaining ones index columns).</summary>
    /// <param name="numVariables">The number of variables of the polynomial.</param>
    /// <returns><c>⌊v/2⌋</c>.</returns>
    public static int RowVariables(int numVariables) => numVariables / 2;

    /// <summary>Computes the soundness <c>−log2((1 − δ)^t + n/|F_ext|)</c> in bits.</summary>
    /// <param name="numVariables">The number of variables of the committed polynomial.</param>
    /// <param name="log2FieldSize"><c>log2 |F_ext|</c> of the challenge field.</param>
    /// <returns>The security level in bits.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numVariables"/> is out of range.</exception>
    public double SoundnessBits(int numVariables, double log2FieldSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numVariables);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numVariables, MaxVariables);
        double queryTerm = ColumnQueries * Math.Log2(1.0 - Delta);
        int log2CodewordLength = numVariables - RowVariables(numVariables) + LogBlowup;
        double fieldTerm = log2CodewordLength - log2FieldSize;
        double high = Math.Max(queryTerm, fieldTerm);
        double low = Math.Min(queryTerm, fieldTerm);
        return -(high + Math.Log2(1.0 + Math.Pow(2.0, low - high)));
    }
}
