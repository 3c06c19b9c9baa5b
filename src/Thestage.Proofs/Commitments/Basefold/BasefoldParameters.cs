namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>
/// Parameters of the Basefold multilinear commitment (<see cref="BasefoldProver"/>): the Reed–Solomon rate
/// <c>ρ = 2^−LogBlowup</c>, the number <c>t</c> of queries, the folding arity <c>2^LogArity</c> (binary folds per
/// committed layer) and the number of variables whose polynomial is sent in clear at the end.
/// </summary>
/// <remarks>
/// <para>
/// Soundness (proven, unique-decoding regime). An opening of a <c>v</c>-variate table runs <c>R = v − ℓ</c> sumcheck rounds
/// interleaved with <c>R</c> binary FRI folds of the committed codeword (domain sizes <c>n_0 = 2^(v+LogBlowup)</c>,
/// <c>n_0/2</c>, …), then sends the folded polynomial's <c>2^ℓ</c> coefficients; <c>t</c> queries check every fold. With
/// <c>δ = (1 − ρ)/2</c>, the unique-decoding radius:
/// </para>
/// <list type="number">
/// <item><description>Sumcheck: each round polynomial has degree 2, so a false claim survives a round with probability at most
/// <c>2/|F_ext|</c> (Schwartz–Zippel): <c>2R/|F_ext|</c>.</description></item>
/// <item><description>Folding: a fold is the line <c>f_e + α·f_o</c> of two words of the halved domain; by the proximity gaps of
/// Ben-Sasson, Carmon, Ishai, Kopparty, Saraf (FOCS 2020, eprint 2020/654, Theorem 1.4 / §4, unique decoding), if one of them is
/// <c>δ</c>-far from the code, the fold is <c>δ</c>-far except for at most <c>n_i/2</c> values of <c>α</c>:
/// <c>Σ_i n_i/|F_ext| &lt; 2·n_0/|F_ext|</c> over all folds.</description></item>
/// <item><description>Queries: outside those events, either the committed word is <c>δ</c>-far from the code and each query's
/// chain of fold checks fails with probability at least <c>δ</c> (the FRI query-phase argument in the unique-decoding regime,
/// Ben-Sasson, Bentov, Horesh, Riabzev, ICALP 2018, with the BCIKS gaps above), or it decodes uniquely to <c>P*</c>; then the
/// sumcheck forces the sent final polynomial to differ from the fold of <c>P*</c> (else the value is true), the two
/// codewords differ on at least <c>1 − ρ</c> of the final domain, and a query passes with probability at most
/// <c>ρ + δ ≤ 1 − δ</c> (Zeilberger, Chen, Fisch, "BaseFold", CRYPTO 2024, eprint 2023/1705, §4–5, whose list-decoding
/// analysis is not used here; Haböck, eprint 2024/1571, revisits it).</description></item>
/// </list>
/// <para>
/// Hence <c>ε ≤ ((1 + ρ)/2)^t + (2R + 2·n_0)/|F_ext|</c>, <see cref="SoundnessBits"/>. No conjecture is assumed. The
/// Johnson-bound regime (BCIKS Theorem 1.5: per fold <c>(m + 1/2)^7·n²/(2ρ^(3/2)·|F|)</c>) would need fewer queries but gives
/// only about 70–78 bits at these sizes over <c>|F_ext| ≈ 2^128</c>, so it is not offered. <see cref="Default"/>:
/// <c>ρ = 1/8</c>, <c>−log2(9/16) = 0.830</c> bits per query, <c>t = 122</c>: 101.2 bits of query term; with the field term, 101.2 bits up to <c>v = 18</c>, 100.9 at
/// <c>v = 21</c>, 100.1 at <c>v = 23</c>, and below 100 from <c>v = 24</c> (<c>2·n_0/|F_ext| = 2^−101</c>), where the policy refuses
/// the defaults and a larger table needs more queries.
/// </para>
/// <para>
/// Hiding (<see cref="Hiding"/>). The committed polynomial is <c>f̃</c> in <c>v + e</c> variables (<see cref="MaskVariables"/>),
/// equal to <c>f</c> where the <c>e</c> last variables are 0 and uniform elsewhere, beside a uniform table <c>g̃</c> of the same size
/// (both codewords in each layer-0 leaf). An opening sends <c>g̃(z, 0^e)</c>, draws <c>ρ</c>, and proves <c>h = f̃ + ρ·g̃</c> at
/// <c>(z, 0^e)</c>: <c>h</c> is uniform given its value, so the rounds, folded layers and final polynomial are simulatable, and
/// the opened layer-0 values of <c>f̃</c> are uniform because its univariate polynomial is <c>A + X^(2^v)·B</c> with <c>B</c> uniform
/// of degree <c>&lt; 2^(v+e) − 2^v ≥ t·2^LogArity</c>. Soundness adds <c>n_0/|F_ext|</c> (the line in <c>ρ</c> through both tables) and
/// <c>1/|F_ext|</c> (a false value surviving <c>ρ</c>): <c>ε ≤ ((1 + ρ)/2)^t + (2R + 3·n_0 + 1)/|F_ext|</c>, with <c>R</c> and
/// <c>n_0</c> of the <c>v + e</c>-variate polynomial. One opening per commitment (the prover state refuses a second): two reveal
/// functionals of <c>ρ_2·h_1 − ρ_1·h_2 ∝ f̃</c>. <c>Commitments/README.md</c> has the argument in full.
/// </para>
/// </remarks>
internal sealed class BasefoldParameters
{
    /// <summary>The largest number of variables (the codeword has at most <c>2^30</c> entries).</summary>
    public const int MaxVariables = 27;

    /// <summary>The largest number of queries.</summary>
    public const int MaxQueries = 4096;

    /// <summary>The largest log folding arity.</summary>
    public const int MaxLogArity = 5;

    /// <summary>The largest number of variables sent in clear.</summary>
    public const int MaxFinalVariables = 16;

    /// <summary>The largest log blowup.</summary>
    public const int MaxLogBlowup = 6;

    /// <summary>The largest codeword length <c>2^30</c>.</summary>
    public const int MaxLogCodeword = 30;

    private const int ExtensionBytes = 16;
    private const int DigestBytes = 32;
    private const int SaltBytes = 16;

    /// <summary>Initializes new parameters.</summary>
    /// <param name="logBlowup"><c>log2(1/ρ)</c>, in <c>[1, 6]</c>.</param>
    /// <param name="queries">The number of queries <c>t</c>, in <c>[1, 4096]</c>.</param>
    /// <param name="logArity">Binary folds per committed layer, in <c>[1, 5]</c>.</param>
    /// <param name="finalVariables">Variables whose polynomial is sent in clear (<c>2^ℓ</c> coefficients), in <c>[0, 16]</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public BasefoldParameters(int logBlowup, int queries, int logArity, int finalVariables)
        : this(logBlowup, queries, logArity, finalVariables, hiding: false)
    {
    }

    /// <summary>Initializes new parameters, hiding or not (see remarks, "Hiding").</summary>
    /// <param name="logBlowup"><c>log2(1/ρ)</c>, in <c>[1, 6]</c>.</param>
    /// <param name="queries">The number of queries <c>t</c>, in <c>[1, 4096]</c>.</param>
    /// <param name="logArity">Binary folds per committed layer, in <c>[1, 5]</c>.</param>
    /// <param name="finalVariables">Variables whose polynomial is sent in clear (<c>2^ℓ</c> coefficients), in <c>[0, 16]</c>.</param>
    /// <param name="hiding">Whether openings reveal only the evaluation.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public BasefoldParameters(int logBlowup, int queries, int logArity, int finalVariables, bool hiding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(logBlowup, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logBlowup, MaxLogBlowup);
        ArgumentOutOfRangeException.ThrowIfLessThan(queries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(queries, MaxQueries);
        ArgumentOutOfRangeException.ThrowIfLessThan(logArity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logArity, MaxLogArity);
        ArgumentOutOfRangeException.ThrowIfNegative(finalVariables);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(finalVariables, MaxFinalVariables);
        LogBlowup = logBlowup;
        Queries = queries;
        LogArity = logArity;
        FinalVariables = finalVariables;
        Hiding = hiding;
    }

    /// <summary>Gets the default hiding parameters: <see cref="Default"/> with <see cref="Hiding"/> (see remarks, "Hiding").</summary>
    public static BasefoldParameters DefaultHiding { get; } = new(3, 122, 4, 10, hiding: true);

    /// <summary>Gets a value indicating whether openings reveal only the evaluation (see remarks, "Hiding").</summary>
    public bool Hiding { get; }

    /// <summary>
    /// The variables <c>e</c> a hiding commitment appends to a <c>v</c>-variate table (0 when not hiding): the least <c>e ≥ 1</c>
    /// with <c>2^(v+e) − 2^v ≥ t·2^LogArity</c>, so the random high part of the committed polynomial covers every opened position.
    /// </summary>
    public int MaskVariables(int numVariables)
    {
        if (!Hiding)
        {
            return 0;
        }

        long opened = (long)Queries << LogArity;
        int e = 1;
        while (((1L << (numVariables + e)) - (1L << numVariables)) < opened)
        {
            e++;
        }

        return e;
    }

    /// <summary>The variables <c>v + e</c> of the committed polynomial (<see cref="MaskVariables"/>).</summary>
    public int CommittedVariables(int numVariables) => numVariables + MaskVariables(numVariables);

    /// <summary>Gets the default parameters: rate 1/8, 122 queries, arity 16, <c>2^10</c> final coefficients (≥ 100.8 bits up to <c>v = 21</c>, see remarks).</summary>
    public static BasefoldParameters Default { get; } = new(3, 122, 4, 10);

    /// <summary>Gets <c>log2(1/ρ)</c>.</summary>
    public int LogBlowup { get; }

    /// <summary>Gets the number of queries <c>t</c>.</summary>
    public int Queries { get; }

    /// <summary>Gets the number of binary folds per committed layer (arity <c>2^LogArity</c>).</summary>
    public int LogArity { get; }

    /// <summary>Gets the number <c>ℓ</c> of variables sent in clear (capped at <c>v − 1</c>).</summary>
    public int FinalVariables { get; }

    /// <summary>Gets the rate <c>ρ</c>.</summary>
    public double Rate => 1.0 / (1 << LogBlowup);

    /// <summary>The folding schedule of a <paramref name="numVariables"/>-variate table (see <see cref="BasefoldSchedule"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numVariables"/> is outside <c>[1, 27]</c> or the codeword would exceed <c>2^30</c>.</exception>
    public BasefoldSchedule Schedule(int numVariables) => new(this, numVariables);

    /// <summary>The number of base values per position of layer 0: the table's, and the mask table's when hiding.</summary>
    public int CommittedTables => Hiding ? 2 : 1;

    /// <summary>Whether a <paramref name="numVariables"/>-variate table can be committed under these parameters.</summary>
    public bool Supports(int numVariables) =>
        numVariables is >= 1 and <= MaxVariables && CommittedVariables(numVariables) + LogBlowup <= MaxLogCodeword;

    /// <summary>Computes <c>−log2(((1 + ρ)/2)^t + (2R + 2·n_0)/|F_ext|)</c> (see remarks).</summary>
    /// <param name="numVariables">The number of variables of the committed table.</param>
    /// <param name="log2FieldSize"><c>log2 |F_ext|</c> of the challenge field.</param>
    /// <returns>The security level in bits.</returns>
    public double SoundnessBits(int numVariables, double log2FieldSize)
    {
        BasefoldSchedule schedule = Schedule(numVariables);
        double queryTerm = Queries * Math.Log2((1.0 + Rate) / 2.0);
        double fieldTerm = Math.Log2((2.0 * schedule.Rounds) + (2.0 * schedule.LayerLength(0)) + (Hiding ? schedule.LayerLength(0) + 1.0 : 0.0)) - log2FieldSize;
        double high = Math.Max(queryTerm, fieldTerm);
        double low = Math.Min(queryTerm, fieldTerm);
        return -(high + Math.Log2(1.0 + Math.Pow(2.0, low - high)));
    }

    /// <summary>
    /// Estimates the serialized opening size: two extension elements per round, one root per sent layer, the final coefficients,
    /// and per layer the expected number <c>d = L(1 − (1 − 1/L)^t)</c> of distinct opened leaves of <c>L</c> (salted on layer 0)
    /// with the expected number of deduplicated Merkle siblings (<see cref="ExpectedSiblings"/>).
    /// </summary>
    /// <param name="numVariables">The number of variables of the committed table.</param>
    /// <returns>The estimated number of bytes.</returns>
    public double EstimatedProofBytes(int numVariables)
    {
        BasefoldSchedule schedule = Schedule(numVariables);
        double bytes = (2.0 * ExtensionBytes * schedule.Rounds) + (ExtensionBytes * (1 << schedule.FinalVariables)) + (Hiding ? ExtensionBytes : 0);
        for (int g = 0; g < schedule.LayerCount; g++)
        {
            double leaves = schedule.LeafCount(g);
            double distinct = leaves * (1.0 - Math.Pow(1.0 - (1.0 / leaves), Queries));
            double siblings = ExpectedSiblings(schedule.LeafCount(g), Queries);
            double leafBytes = g == 0 ? (8.0 * CommittedTables * schedule.LeafWidth(0)) + SaltBytes : ExtensionBytes * schedule.LeafWidth(g);
            bytes += (distinct * leafBytes) + (DigestBytes * siblings) + (g == 0 ? 0 : DigestBytes);
        }

        return bytes;
    }

    /// <summary>
    /// The expected number of siblings a Merkle batch proof of <paramref name="queries"/> uniform leaves (with repetition) of a tree
    /// of <paramref name="leaves"/> sends: on a level of <c>N</c> nodes a node's sibling is sent when the node is on a queried path
    /// and its sibling is not, with probability <c>(1 − 1/N)^t − (1 − 2/N)^t</c>.
    /// </summary>
    internal static double ExpectedSiblings(int leaves, int queries)
    {
        double siblings = 0;
        for (double nodes = leaves; nodes >= 2; nodes /= 2)
        {
            siblings += nodes * (Math.Pow(1.0 - (1.0 / nodes), queries) - Math.Pow(1.0 - (2.0 / nodes), queries));
        }

        return siblings;
    }
}
