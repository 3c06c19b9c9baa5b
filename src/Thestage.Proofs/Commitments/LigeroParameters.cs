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
/// Plain parameters (<see cref="NonHidingForBenchmarks"/>, the default before zero-knowledge became it): <c>ρ = 1/4</c>,
/// <c>δ = 3/8</c>, <c>−log2(5/8) ≈ 0.678</c> bits per query; 148 queries give 100.4 bits of query term and <c>t = 152</c> gives 103.1, leaving room for composing two openings in one
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
/// <para>
/// Hiding (<see cref="Hiding"/>; Ligero, Ames et al., CCS 2017, §4.3 and §5: randomized encoding and masking codewords).
/// Each row is the polynomial <c>P_i = m̂_i + Z_H·ρ_i</c> of degree <c>&lt; D = k + T</c>, <c>m̂_i</c> the interpolant of its
/// message on <c>H_k</c>, <c>Z_H = X^k − 1</c> and <c>ρ_i</c> uniformly random of degree <c>&lt; T</c>, <c>T = t + max(0, t − k)</c>:
/// any <c>t</c> positions of the codeword are uniform whatever the message. Eight random masking rows are appended (one
/// extension-valued row <c>R</c> for the proximity row, three <c>μ_1, μ_2, μ_3</c> for the evaluation). The prover sends
/// <c>w = Σ γ_i P_i + R</c> (coefficients, uniform) and <c>q = (Σ_i eq(r_row, i) P_i) · ê + μ</c> (<c>2D</c> coefficients),
/// <c>ê</c> the interpolant of <c>eq(r_col, ·)</c> on <c>H_k</c> and <c>μ = μ_1 + X^(D/2) μ_2 + X^D μ_3</c> with
/// <c>Σ_(ζ∈H_k) μ(ζ) = 0</c>; the verifier checks <c>Σ_(ζ∈H_k) q(ζ) = f(r)</c> (from the coefficients at multiples of
/// <c>k</c>) and both rows against the opened columns. Given <c>f(r)</c> and the challenges, the opening is uniformly
/// distributed (the simulator in <c>LigeroHidingTests</c> shows it).
/// </para>
/// <para>
/// Hiding soundness. The codeword length is <c>n = k · 2^b</c>, <c>b ≥ LogBlowup</c> the least with rate
/// <c>ρ = D/n ≤ (9/8) · 2^−LogBlowup</c>. If the committed rows (data and masks, all proximity-tested by <c>w</c>) are
/// <c>δ</c>-far from the code, each query catches it with probability <c>δ</c>; otherwise a false <c>q</c> differs from
/// the decoded one, both of degree <c>&lt; 2D</c>, on all but <c>2D</c> points, so a query passes with probability at most
/// <c>δ + 2ρ</c>. With <c>δ = 1/2 − ρ</c> (inside the unique-decoding radius <c>(1 − ρ)/2</c> of BCIKS) each query
/// passes with probability at most <c>1/2 + ρ</c>, and <c>ε ≤ (1/2 + ρ)^t + n/|F_ext|</c>. A decoded mask with a
/// nonzero sum <c>Δ</c> over <c>H_k</c> only shifts every opened value by the same <c>Δ</c>, fixed at commit time: the
/// commitment binds the table <c>M + Δ</c>, and binding is all soundness needs. Masking costs <c>T</c> extra coefficients
/// per row, eight extra rows per column, a codeword up to twice <c>k · 2^LogBlowup</c>, and a <c>3D</c>-element opening instead of
/// <c>2k</c>. <see cref="DefaultHiding"/> (<c>LogBlowup = 5</c>, <c>t = 117</c>): <c>ρ ≤ 9/256</c>, at least
/// <c>−117 · log2(137/256) = 105.5</c> bits per opening, more when <c>D/n</c> is below the bound. Each query then carries
/// 0.90 bits instead of 0.81 at <c>LogBlowup = 4</c> (which needs <c>t = 130</c> for 105.3 bits, and its bound <c>D ≤ (9/8)·k</c>
/// put 2^16-value witnesses (<c>D = k + 130</c>) on a codeword <c>32k</c> long anyway); by <see cref="EstimatedProofBytes"/> the
/// openings of LeNet-5's 2^16 witness and 2^17 weights shrink from 165 + 214 to 154 + 207 KB, the codewords of
/// 2^16-value witnesses keep their length and the weights' double (once per model). Further blowup gains little: about
/// 0.95 bits per query at <c>LogBlowup = 6</c> (<c>t = 111</c>) against one more Merkle level and twice the encoding.
/// </para>
/// <para>
/// Choosing the log blowup (h/zkparams, measured in <c>docs/results/zkparams-hiding-cost-2026-12-07.md</c>). At the rate bound a
/// query carries <c>−log2(1/2 + (9/8)·2^−b)</c> bits: 0.356, 0.642, 0.810 and 0.902 at <c>b</c> = 2, 3, 4, 5, so ≥ 105 bits need
/// <c>t</c> = 295, 164, 130, 117 (≥ 100 bits: 281, 156, 124, 111; <c>LigeroHidingTests.HidingQueriesForEachLogBlowupFollowTheWorstCaseRate</c>).
/// A hiding opening costs the prover about <c>rows · D · t</c> multiply-adds (Horner at the queried columns, nothing is
/// stored but the coefficients) and the proof about <c>t · (8 · rows + 16)</c> bytes of columns: both grow with <c>t</c>, while
/// the blowup only enters the one-time encoding (<c>rows · n</c>) and one Merkle level per doubling. Measured on the MLP 784-128-10
/// and LeNet-5 (one image, medians of 16 and 10 proofs, load 11–19): <c>b = 3</c> (164 queries) against <c>b = 5</c> makes the proofs
/// 1.13× (MLP) and 1.16× (LeNet-5) and saves prover CPU, mostly in the witness encoding (a row of <c>k ≤ 1024</c> has <c>D = k + T</c> close to
/// or above <c>(9/8)·k</c>, so its codeword is <c>32k</c>–<c>64k</c> at <c>b = 5</c> and <c>16k</c> at <c>b = 3</c>): LeNet-5 process CPU 519 → 381 ms, thread CPU 195 → 165 ms; MLP process CPU 145 → 110 ms, thread CPU 77 → 70 ms;
/// <c>b = 4</c> (130 queries) is 1.02–1.04× the proof with no saving the noise shows, <c>b = 2</c> (295 queries) 1.65× the proof.
/// <see cref="DefaultHiding"/> stays <c>b = 5</c>, <c>t = 117</c>: the smallest hiding proof within <see cref="MaxLogBlowup"/>
/// (issue 13's proof targets are the ones furthest off), its formats and pins unchanged; <c>new LigeroParameters(3, 164, hiding: true)</c>
/// is the faster choice at +13–16 % proof. Either way hiding costs the MLP prover about 3× thread CPU and 1.66× proof over
/// <see cref="NonHidingForBenchmarks"/>: each proof opens the <c>2^17</c> weights by Horner at <c>t</c> columns (<c>2^17·t</c>
/// multiply-adds; a plain opening copies stored codeword columns), plus the masked sumchecks and the masking pool.
/// </para>
/// <para>
/// Opening budget (<see cref="OpeningBudget"/>). The hiding above holds for ONE opening. A commitment opened many times (a
/// model's weights, once per inference proof) accumulates what its openings reveal: opening <c>b</c> reveals the rows at its
/// query set <c>J_b</c> (<c>|J_b| ≤ t</c>), <c>w_b = Σ γ_b,i P_i + R</c> and <c>q_b = u_b·ê_b + μ</c>. With one mask set the
/// differences <c>q_b − q_1</c> are unmasked (<c>μ</c> cancels: on <c>H_k</c> they equal <c>u_b ê_b − u_1 ê_1</c>, a function of
/// the table alone), and once <c>|∪ J_b| ≥ D</c> (about <c>D/t</c> openings) the opened columns determine every <c>P_i</c>, hence
/// the table. A budget <c>B ≥ 1</c> makes <c>B</c> openings hide jointly: (1) the randomized encoding takes <c>T = B·t + max(0, B·t − k)</c>
/// random coefficients, so the values of each row at the union <c>J = ∪_b J_b</c>, <c>|J| ≤ B·t ≤ T</c>, are uniform whatever
/// the message (a Vandermonde system in <c>ρ_i</c>; <c>Z_H ≠ 0</c> off <c>H_k</c>), and <c>D = k + T ≥ 2·B·t</c> keeps the mask
/// argument below at <c>|J| ≤ D/2</c>; (2) <c>B</c> independent mask sets <c>(μ_b, R_b)</c> (eight base rows each), opening
/// <c>b</c> using set <c>b</c> only: <c>w_b = Σ γ_b,i P_i + Σ γ_b,μ μ_b + R_b</c> and <c>q_b = u_b·ê_b + λ_b·μ_b</c>. Each
/// <c>w_b</c> is uniform (its own <c>R_b</c>, used once) and each <c>q_b</c> uniform subject to <c>Σ_H q_b = f(r_b)</c>; given them,
/// <c>R_b</c> and <c>μ_b</c> at <c>J</c> are fixed by the checks, and the kernel of <c>(μ_1, μ_2, μ_3) ↦ μ</c> (dimension <c>D</c>:
/// <c>μ_3 = c</c>, <c>μ_2 = −X^(D/2)c + b</c>, <c>μ_1 = −X^(D/2)b</c>, <c>deg b, c &lt; D/2</c>) leaves <c>(μ_2, μ_3)</c> uniform at any
/// <c>|J| ≤ D/2</c> points. So the joint view of the <c>B</c> openings is simulated from the <c>B</c> values alone. The
/// randomness each opening needs fresh is therefore: a mask set never used before (<c>R_b</c>, <c>μ_b</c>), and <c>t</c> of the
/// <c>T</c> encoding coefficients' worth of room (<c>T − |J| ≥ 0</c>); nothing else accumulates (salts are per column and
/// random-oracle leaves hide unopened columns).
/// </para>
/// <para>
/// The scale <c>λ_b</c> (drawn after the value) is what soundness needs once there are several mask sets: a decoded <c>μ_b</c>
/// with <c>Σ_H μ_b = Δ_b ≠ 0</c> would otherwise prove the table shifted by <c>Δ_b</c> in opening <c>b</c> only — a model's
/// weights shifted by a constant in one proof and not in the range proof — whereas with one mask set the shift is the same for
/// every opening and binding holds for the shifted table. With <c>λ_b</c> uniform and drawn after <c>f(r_b)</c> and the commitment,
/// <c>Σ_H q_b = f*(r_b) + λ_b·Δ_b</c> equals the claimed value for at most one <c>λ_b</c> when <c>Δ_b ≠ 0</c>: <c>+1/|F_ext|</c> per
/// opening, and <c>ε ≤ (1/2 + D/n)^t + (n + 1)/|F_ext|</c> with the larger <c>D</c>. The verifier checks that the opening names a
/// mask set <c>b &lt; B</c> (and binds <c>B</c> and <c>b</c> in the transcript before <c>γ</c>); it cannot see whether another proof
/// used set <c>b</c> too — reuse is the prover's leak, not a false statement — so the honest prover (<see cref="LigeroProverState"/>)
/// hands out each set once and throws <see cref="OpeningBudgetExhaustedException"/> after <c>B</c> openings. Cost, linear in
/// <c>B</c>: rows <c>8·B</c> more base elements per opened column, <c>w</c> and <c>q</c> of <c>3D = 3(k + T)</c> elements, a codeword
/// <c>n ≥ (8/9)·2^LogBlowup·D</c>. Without a budget (<c>B = 0</c>, the formats before it) a hiding commitment keeps its single mask
/// set for every opening and <c>λ = 1</c>: byte-identical to before, hiding for one opening only.
/// </para>
/// </remarks>
public sealed class LigeroParameters
{
    /// <summary>The largest supported number of variables of a committed polynomial.</summary>
    public const int MaxVariables = 48;

    /// <summary>The largest supported number of column queries.</summary>
    public const int MaxColumnQueries = 4096;

    /// <summary>The largest <see cref="OpeningBudget"/>: 256 openings of one commitment (2048 masking rows).</summary>
    public const int MaxOpeningBudget = 256;

    /// <summary>The largest log blowup <c>log2(1/ρ)</c>.</summary>
    internal const int MaxLogBlowup = 5;

    /// <summary>The largest number of column variables (message length at most <c>2^24</c>).</summary>
    public const int MaxColumnVariables = 24;

    /// <summary>The masking rows a hiding commitment appends (three evaluation masks and one proximity mask, each two base rows).</summary>
    internal const int HidingMaskRows = 8;

    /// <summary>The bit set in the encoded log blowup of hiding parameters (formats <c>TSMC</c> v3, <c>TSTT</c> v4).</summary>
    internal const int EncodedHidingFlag = 0x80;

    /// <summary>The extension degree a hiding opening is laid out for (<see cref="Fields.GoldilocksExt2"/>).</summary>
    internal const int HidingExtensionDegree = 2;

    private const int ExtensionElementBytes = 16;

    /// <summary>Initializes new parameters.</summary>
    /// <param name="logBlowup"><c>log2(1/ρ)</c>, in <c>[1, 5]</c>.</param>
    /// <param name="columnQueries">The number of column queries <c>t</c>, in <c>[1, 4096]</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public LigeroParameters(int logBlowup, int columnQueries)
        : this(logBlowup, columnQueries, hiding: false)
    {
    }

    /// <summary>Initializes new parameters, hiding or not.</summary>
    /// <param name="logBlowup"><c>log2(1/ρ)</c>, in <c>[1, 5]</c>; at least 2 when <paramref name="hiding"/>.</param>
    /// <param name="columnQueries">The number of column queries <c>t</c>, in <c>[1, 4096]</c>.</param>
    /// <param name="hiding">Whether openings are zero-knowledge (randomized encoding and masking rows, see remarks).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public LigeroParameters(int logBlowup, int columnQueries, bool hiding)
        : this(logBlowup, columnQueries, hiding, 0)
    {
    }

    /// <summary>Initializes hiding parameters whose commitments stay hiding for <paramref name="openingBudget"/> openings (see remarks, "Opening budget").</summary>
    /// <param name="logBlowup"><c>log2(1/ρ)</c>, in <c>[2, 5]</c>.</param>
    /// <param name="columnQueries">The number of column queries <c>t</c>, in <c>[1, 4096]</c>.</param>
    /// <param name="hiding">Must be <see langword="true"/> when <paramref name="openingBudget"/> is positive.</param>
    /// <param name="openingBudget">The number <c>B</c> of openings of one commitment, in <c>[1, 256]</c>; 0 for no budget (one mask set, hiding for one opening).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, or a budget is given without hiding.</exception>
    public LigeroParameters(int logBlowup, int columnQueries, bool hiding, int openingBudget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(logBlowup, hiding ? 2 : 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logBlowup, MaxLogBlowup);
        ArgumentOutOfRangeException.ThrowIfLessThan(columnQueries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columnQueries, MaxColumnQueries);
        ArgumentOutOfRangeException.ThrowIfNegative(openingBudget);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(openingBudget, hiding ? MaxOpeningBudget : 0);
        LogBlowup = logBlowup;
        ColumnQueries = columnQueries;
        Hiding = hiding;
        OpeningBudget = openingBudget;
    }

    /// <summary>
    /// Gets the number of openings one commitment stays hiding for (see remarks, "Opening budget"): each opening uses its own
    /// mask set and the prover refuses more (<see cref="OpeningBudgetExhaustedException"/>); 0 when there is no budget (plain
    /// parameters, and hiding ones whose single mask set every opening shares: hiding for one opening).
    /// </summary>
    public int OpeningBudget { get; }

    /// <summary>Gets the default hiding parameters (<see cref="DefaultHiding"/>: log blowup 5, 117 queries) with an opening budget.</summary>
    /// <param name="openingBudget">The number of openings of one commitment, in <c>[1, 256]</c>.</param>
    /// <returns>The parameters.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The budget is out of range.</exception>
    public static LigeroParameters DefaultHidingWithBudget(int openingBudget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(openingBudget, 1);
        return DefaultHiding.WithOpeningBudget(openingBudget);
    }

    /// <summary>The mask sets a hiding commitment holds: the budget, or one without a budget.</summary>
    internal int MaskSets => Math.Max(1, OpeningBudget);

    /// <summary>These parameters with another opening budget (0: none).</summary>
    internal LigeroParameters WithOpeningBudget(int openingBudget) =>
        openingBudget == OpeningBudget ? this : new(LogBlowup, ColumnQueries, Hiding, openingBudget);

    /// <summary>
    /// Gets the default parameters, which are hiding: the same object as <see cref="DefaultHiding"/> (rate at most 9/256, 117 column
    /// queries, ≥ 105.5 bits, no opening budget). Until issue 13 made zero-knowledge the default this returned the plain parameters
    /// (rate 1/4, 152 queries), now <see cref="NonHidingForBenchmarks"/>; artifacts made with them carry their parameters and are
    /// still read and verified as plain. A model proven more than once needs an opening budget (<see cref="DefaultHidingWithBudget"/>;
    /// <c>CommittedModel.Commit</c> without parameters uses one, <c>CommittedModel.DefaultOpeningBudget</c>).
    /// </summary>
    public static LigeroParameters Default => DefaultHiding;

    /// <summary>Gets the default hiding parameters: rate at most 9/256 and 117 column queries (≥ 105.5 bits, see remarks).</summary>
    public static LigeroParameters DefaultHiding { get; } = new(5, 117, hiding: true);

    /// <summary>
    /// Gets the plain parameters, for measuring what hiding costs only: rate 1/4 and 152 column queries (≥ 101.4 bits, see remarks),
    /// the default before issue 13. NOT zero-knowledge: openings reveal committed columns and the rows' linear combinations, and
    /// proofs over such commitments reveal their sumchecks' round messages (weights, activations, training snapshots). Use them in
    /// benchmarks and in tests of the plain formats, never for a model or a run whose secrets matter;
    /// <c>VerifierPolicy.RequireZeroKnowledge</c> refuses proofs made with them.
    /// </summary>
    public static LigeroParameters NonHidingForBenchmarks { get; } = new(2, 152);

    /// <summary>The log blowup as the formats store it: <see cref="LogBlowup"/>, with <see cref="EncodedHidingFlag"/> when hiding (plain parameters encode as before).</summary>
    internal int EncodedLogBlowup => LogBlowup | (Hiding ? EncodedHidingFlag : 0);

    /// <summary>Rebuilds parameters from <see cref="EncodedLogBlowup"/> and the query count.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    internal static LigeroParameters Decode(int encodedLogBlowup, int columnQueries) =>
        new(encodedLogBlowup & ~EncodedHidingFlag, columnQueries, (encodedLogBlowup & EncodedHidingFlag) != 0);

    /// <summary>Gets a value indicating whether openings are zero-knowledge (reveal nothing but the evaluation; see remarks).</summary>
    public bool Hiding { get; }

    /// <summary>Gets <c>log2(1/ρ)</c>.</summary>
    public int LogBlowup { get; }

    /// <summary>Gets the number of column queries <c>t</c>.</summary>
    public int ColumnQueries { get; }

    /// <summary>Gets the code rate <c>ρ</c> of plain commitments (<c>2^−LogBlowup</c>; hiding rows have rate <c>D/n ≤ (9/8)·ρ</c>, see remarks).</summary>
    public double Rate => 1.0 / (1 << LogBlowup);

    /// <summary>Gets the proximity parameter <c>δ = (1 − ρ)/2</c> of plain commitments, the unique-decoding radius (BCIKS 2020); hiding openings use <c>δ = 1/2 − D/n</c> (see remarks).</summary>
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

    /// <summary>Computes the codeword length <c>n</c> of a row for a polynomial of <paramref name="numVariables"/> variables.</summary>
    /// <param name="numVariables">The number of variables of the polynomial.</param>
    /// <returns><c>k · 2^LogBlowup</c>, or for hiding parameters the least <c>k · 2^b</c> meeting the rate bound (see remarks).</returns>
    public int CodewordLength(int numVariables) => CodewordLengthFor(numVariables, ColumnVariables(numVariables));

    /// <summary>The matrix rows a commitment holds: the data rows, and the masking rows when hiding.</summary>
    internal int CommittedRows(int numVariables) => (1 << RowVariables(numVariables)) + (Hiding ? HidingMaskRows * MaskSets : 0);

    /// <summary>The degree <c>T</c> of the random multiple of <c>Z_H</c> added to each row when hiding (<c>k + T</c> even, <c>T ≥ B·t</c>, <c>k + T ≥ 2·B·t</c>, <c>B</c> the mask sets).</summary>
    internal int MaskDegree(int rowLength)
    {
        int t = ColumnQueries * MaskSets;
        int mask = t + Math.Max(0, t - rowLength);
        return ((rowLength + mask) & 1) == 0 ? mask : mask + 1;
    }

    /// <summary>The degree bound <c>D = k + T</c> of a hiding row polynomial (<c>k</c> when not hiding).</summary>
    internal int DegreeBound(int rowLength) => Hiding ? rowLength + MaskDegree(rowLength) : rowLength;

    private int CodewordLengthFor(int numVariables, int columnVariables)
    {
        int k = 1 << columnVariables;
        long n = (long)k << LogBlowup;
        if (Hiding)
        {
            // ρ = D/n ≤ (9/8)·2^−LogBlowup  ⇔  8·D·2^LogBlowup ≤ 9·n.
            long d = DegreeBound(k);
            while (8 * d * (1L << LogBlowup) > 9 * n)
            {
                n *= 2;
            }
        }

        return n > 1 << 30 ? throw new ArgumentOutOfRangeException(nameof(numVariables), "The codeword would exceed 2^30 entries.") : (int)n;
    }

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
        double rows = Math.Pow(2.0, numVariables - columnVariables) + (Hiding ? HidingMaskRows * MaskSets : 0);
        double n = CodewordLengthFor(numVariables, columnVariables);
        double rowElements = Hiding ? 3.0 * DegreeBound((int)k) : 2.0 * k;
        double distinct = n * (1.0 - Math.Pow(1.0 - (1.0 / n), ColumnQueries));
        double siblings = distinct * Math.Max(0.0, Math.Log2(n) - Math.Log2(distinct));
        return (ExtensionElementBytes * rowElements) + (distinct * ((8 * rows) + 16)) + (32 * siblings);
    }

    /// <summary>Computes the soundness <c>−log2((1 − δ)^t + n/|F_ext|)</c> in bits; for hiding parameters <c>−log2((1/2 + D/n)^t + n/|F_ext|)</c> (see remarks).</summary>
    /// <param name="numVariables">The number of variables of the committed polynomial.</param>
    /// <param name="log2FieldSize"><c>log2 |F_ext|</c> of the challenge field.</param>
    /// <returns>The security level in bits.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numVariables"/> is out of range.</exception>
    public double SoundnessBits(int numVariables, double log2FieldSize)
    {
        int columnVariables = ColumnVariables(numVariables);
        int n = CodewordLengthFor(numVariables, columnVariables);
        double passPerQuery = Hiding ? 0.5 + ((double)DegreeBound(1 << columnVariables) / n) : 1.0 - Delta;
        double queryTerm = ColumnQueries * Math.Log2(passPerQuery);
        double fieldTerm = Math.Log2(n + (OpeningBudget > 0 ? 1 : 0)) - log2FieldSize;
        double high = Math.Max(queryTerm, fieldTerm);
        double low = Math.Min(queryTerm, fieldTerm);
        return -(high + Math.Log2(1.0 + Math.Pow(2.0, low - high)));
    }
}
