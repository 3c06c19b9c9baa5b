using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// The rounds of a sumcheck of a sum of products <c>Σ_x Σ_t a_t·Π_(k∈t) F_k(x|S_k)</c> whose factors depend on subsets <c>S_k</c> of the
/// variables (a zero-check's weights <c>W(o, k)</c>, inputs <c>X(k, b)</c>, <c>eq(z, (o, b))</c>, …), computed from each factor's own table of
/// <c>2^|S_k|</c> entries instead of tables replicated to all <c>2^v</c> points: the prover of
/// <see cref="SumcheckProver.ProveMaskedContraction{T}"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Factors</b> are kept as their own tables with their variables in increasing order (transposed once when the caller's order differs),
/// and each is folded by a round's challenge only when the round binds one of its variables; after round <c>i</c> a table holds
/// <c>F_k(r_1 … r_i, ·)</c> over its free variables.
/// </para>
/// <para>
/// <b>Terms</b>. A variable in no factor of term <c>t</c> (absent) contributes the factor 2 per free occurrence, and a round binding it sees a
/// constant. The other variables <c>U_t</c> (in zero-check order) are split into a prefix <c>A</c> and a suffix <c>K</c>, the contracted
/// variables: <c>K</c> is chosen so that every variable of <c>A</c> lies in at most one factor that touches <c>K</c> (the <i>K-factors</i>), and
/// among such splits by the least estimated work (<see cref="TermPlan"/>; <c>K</c> empty is always allowed). Then
/// <c>Σ_(x_K) Π_(k∈KF) F_k(a, x_K) = P(a)</c> is <b>multilinear</b> in each variable of <c>A</c> (a product of factors on disjoint variables of
/// <c>A</c>, summed), so while the rounds bind <c>A</c> (stage 1) the term is the product of the factors without <c>K</c> and one table
/// <c>P</c> of <c>2^|A|</c> entries, computed once (for <c>eq(o, s)·W(o, k)·G(k, s)</c> with <c>K = s</c>: <c>P(o, k) = Σ_s eq(o, s)·G(k, s)</c>,
/// <c>2^v</c> multiplications once instead of <c>2^v</c> extension products per round). While the rounds bind <c>K</c> (stage 2), every
/// variable of <c>A</c> is bound: the factors without <c>K</c> are one scalar and the K-factors are their own tables folded over <c>A</c>
/// (<c>eq(r_o, ·)</c>, <c>G(r_k, ·)</c>, <c>2^|K|</c> entries). Within a stage, a factor on fewer variables than the stage's is replicated
/// over the stage's variables only.
/// </para>
/// <para>
/// <b>Exactness.</b> In every round each term's values are those of the same polynomial the replicated tables give (its degree at most the
/// term's factor count, extended to the round degree from its values at <c>0 … n</c>), so the round polynomials, challenges and factor
/// evaluations are the replicated prover's bit for bit (<c>tests/Thestage.Proofs.Tests/Sumcheck/ContractionRoundsTests.cs</c> against a
/// naive replicated prover). The last round (the masked one) is left to the caller on each factor's two values.
/// </para>
/// <para>
/// <b>Secrets.</b> Every buffer allocated here (transposed factor tables, replicas, contractions) is cleared by <see cref="Clear"/>; the
/// caller's own tables are folded in place when their variables are increasing and are the caller's to clear.
/// </para>
/// </remarks>
/// <typeparam name="T">The field.</typeparam>
internal sealed class ContractionRounds<T>
    where T : struct, IExtensionField<T>
{
    /// <summary>The work (multiplications) from which a contraction is split over the cores.</summary>
    private const int ParallelWork = 1 << 16;

    private readonly int _numVariables;
    private readonly Table[] _factors;
    private readonly TermPlan[] _terms;
    private readonly List<T[]> _allocated = [];

    /// <summary>
    /// The stage-1 replicas of factors over a term's prefix <c>A</c>, made once per (factor, <c>A</c>) and read by every term with that prefix
    /// (a training step's update relation has dozens of terms over the same tables): made before any round, bound by each term that reads
    /// them (<see cref="Table.Bind"/> folds once per variable, so a table bound by several terms is folded once).
    /// </summary>
    private readonly Dictionary<(int Factor, string Variables), Table> _replicas = [];

    /// <summary>Prepares the rounds: the factors' tables in increasing variable order and each term's split and contraction.</summary>
    /// <param name="numVariables">The sumcheck's variables <c>v</c>.</param>
    /// <param name="ownTables">Factor <c>k</c>'s own table of <c>2^|S_k|</c> entries, indexed by its variables in the order of <paramref name="variables"/> (the first most significant).</param>
    /// <param name="variables">Factor <c>k</c>'s variables <c>S_k</c> (distinct, in <c>[0, v)</c>; variable 0 is bound first).</param>
    /// <param name="terms">The terms.</param>
    public ContractionRounds(int numVariables, T[][] ownTables, int[][] variables, SumcheckTerm<T>[] terms)
    {
        _numVariables = numVariables;
        _factors = new Table[ownTables.Length];
        for (int k = 0; k < _factors.Length; k++)
        {
            int[] sorted = [.. variables[k].Order()];
            T[] values = sorted.AsSpan().SequenceEqual(variables[k]) ? ownTables[k] : Own(Expand(ownTables[k], variables[k], sorted));
            _factors[k] = new Table(values, sorted, Shared: true);
        }

        _terms = Array.ConvertAll(terms, term => new TermPlan(this, term));
    }

    /// <summary>The values <c>g_i(0) … g_i(degree)</c> of round <paramref name="round"/> (every round but the last), before its challenge.</summary>
    public T[] Round(int round, int degree)
    {
        var values = new T[degree + 1];
        foreach (TermPlan term in _terms)
        {
            term.AddRound(round, degree, values);
        }

        return values;
    }

    /// <summary>Binds variable <paramref name="round"/> to <paramref name="challenge"/> in every table that has it.</summary>
    public void Bind(int round, T challenge)
    {
        foreach (Table factor in _factors)
        {
            factor.Bind(round, challenge);
        }

        foreach (TermPlan term in _terms)
        {
            term.Bind(round, challenge);
        }
    }

    /// <summary>
    /// Factor <paramref name="k"/>'s values at <c>x_v = 0</c> and <c>x_v = 1</c> once every other variable is bound (after round <c>v − 2</c>):
    /// equal when the factor does not depend on the last variable.
    /// </summary>
    public (T Low, T High) LastValues(int k)
    {
        Table factor = _factors[k];
        return (factor.Values[0], factor.Length == 2 ? factor.Values[1] : factor.Values[0]);
    }

    /// <summary>Clears every buffer allocated here (they held witness- and weight-derived values).</summary>
    public void Clear()
    {
        foreach (T[] buffer in _allocated)
        {
            Array.Clear(buffer);
        }

        _allocated.Clear();
    }

    /// <summary>
    /// A table's values over the variables <paramref name="target"/> (a superset of <paramref name="variables"/>, both indexed first most
    /// significant): replicated over the ones it lacks, and re-indexed (transposed) when the order differs.
    /// </summary>
    internal static T[] Expand(ReadOnlySpan<T> table, ReadOnlySpan<int> variables, ReadOnlySpan<int> target)
    {
        int[] shifts = Shifts(variables, target);
        var result = new T[1 << target.Length];
        for (int i = 0; i < result.Length; i++)
        {
            int index = 0;
            foreach (int shift in shifts)
            {
                index = (index << 1) | ((i >> shift) & 1);
            }

            result[i] = table[index];
        }

        return result;
    }

    /// <summary>For each variable of <paramref name="variables"/>, its bit's shift in an index over <paramref name="target"/> (first most significant).</summary>
    private static int[] Shifts(ReadOnlySpan<int> variables, ReadOnlySpan<int> target)
    {
        var shifts = new int[variables.Length];
        for (int j = 0; j < variables.Length; j++)
        {
            int position = target.IndexOf(variables[j]);
            if (position < 0)
            {
                throw new ArgumentException("The target variables must contain the table's.", nameof(target));
            }

            shifts[j] = target.Length - 1 - position;
        }

        return shifts;
    }

    /// <summary>Factor <paramref name="k"/>'s (unbound) table replicated over <paramref name="variables"/>, shared by the terms that need it.</summary>
    private Table Replica(int k, int[] variables)
    {
        (int, string) key = (k, string.Join(',', variables));
        if (!_replicas.TryGetValue(key, out Table? replica))
        {
            replica = new Table(Own(Expand(_factors[k].Values, _factors[k].Variables, variables)), variables, Shared: false);
            _replicas.Add(key, replica);
        }

        return replica;
    }

    private T[] Own(T[] buffer)
    {
        _allocated.Add(buffer);
        return buffer;
    }

    /// <summary>A table over increasing variables, of which the first <see cref="Bound"/> are bound.</summary>
    private sealed record Table(T[] Values, int[] Variables, bool Shared)
    {
        public int Bound { get; private set; }

        public int Length => 1 << (Variables.Length - Bound);

        public ReadOnlySpan<int> Free => Variables.AsSpan(Bound);

        public void Bind(int variable, T challenge)
        {
            if (Bound < Variables.Length && Variables[Bound] == variable)
            {
                MultilinearPolynomial<T>.FoldInPlace(Values.AsSpan(0, Length), challenge);
                Bound++;
            }
        }
    }

    /// <summary>One term's split into the stages over <c>A</c> and <c>K</c> (see the class remarks) and its tables in each stage.</summary>
    private sealed class TermPlan
    {
        private readonly ContractionRounds<T> _owner;
        private readonly T _coefficient;
        private readonly int[] _factors;
        private readonly int[] _a;
        private readonly int[] _k;
        private readonly int[] _absentAfter;
        private Table[]? _stage1;
        private Table[]? _stage2;
        private T _scalar;

        public TermPlan(ContractionRounds<T> owner, SumcheckTerm<T> term)
        {
            _owner = owner;
            _coefficient = term.Coefficient;
            _factors = term.Factors;
            Table[] factors = Array.ConvertAll(_factors, k => owner._factors[k]);
            int[] union = [.. factors.SelectMany(f => f.Variables).Distinct().Order()];
            _absentAfter = new int[owner._numVariables];
            for (int i = owner._numVariables - 2; i >= 0; i--)
            {
                _absentAfter[i] = _absentAfter[i + 1] + (Array.IndexOf(union, i + 1) < 0 ? 1 : 0);
            }

            int split = Split(factors, union);
            _a = union[..split];
            _k = union[split..];
            var stage1 = new List<Table>();
            foreach (int k in _factors.Where(k => !Touches(owner._factors[k], _k)))
            {
                Table factor = owner._factors[k];
                stage1.Add(factor.Variables.AsSpan().SequenceEqual(_a) ? factor : owner.Replica(k, _a));
            }

            if (_k.Length > 0)
            {
                (T[] p, int[] variables) = Contract(factors.Where(f => Touches(f, _k)).ToArray());
                stage1.Add(new Table(variables.AsSpan().SequenceEqual(_a) ? p : owner.Own(Expand(p, variables, _a)), _a, Shared: false));
            }

            _stage1 = [.. stage1];
        }

        /// <summary>Adds <c>a_t</c> times the term's round values (extended to <paramref name="degree"/>) to <paramref name="values"/>.</summary>
        public void AddRound(int round, int degree, T[] values)
        {
            bool second = _k.Length > 0 && round >= _k[0];
            if (second && _stage2 is null)
            {
                BeginStage2();
            }

            Table[] tables = second ? _stage2! : _stage1!;
            T scale = _coefficient * T.FromUInt64(1UL << _absentAfter[round]) * (second ? _scalar : T.One);
            int length = tables[0].Length;
            T[][] arrays = Array.ConvertAll(tables, t => t.Values);
            if (Array.IndexOf(second ? _k : _a, round) >= 0)
            {
                T[] raw = SumcheckProver.EvaluateRound(arrays, length / 2);
                T[] termValues = SumcheckProver.Extend(raw, degree);
                for (int t = 0; t <= degree; t++)
                {
                    values[t] += scale * termValues[t];
                }

                // One term's unmasked round values are witness-dependent: cleared (the sum is masked by the caller before it is sent).
                Array.Clear(raw);
                Array.Clear(termValues);
                return;
            }

            // The round binds a variable the term does not have: a constant, the sum of its products over the free entries.
            T sum = T.Zero;
            for (int i = 0; i < length; i++)
            {
                T product = arrays[0][i];
                for (int j = 1; j < arrays.Length; j++)
                {
                    product *= arrays[j][i];
                }

                sum += product;
            }

            sum *= scale;
            for (int t = 0; t <= degree; t++)
            {
                values[t] += sum;
            }
        }

        /// <summary>Binds the term's own tables (replicas, contraction) that have <paramref name="variable"/>; the shared factors are bound by the owner.</summary>
        public void Bind(int variable, T challenge)
        {
            foreach (Table table in (_stage2 ?? _stage1)!.Where(t => !t.Shared))
            {
                table.Bind(variable, challenge);
            }
        }

        private static bool Touches(Table factor, int[] variables) => factor.Variables.Any(v => Array.IndexOf(variables, v) >= 0);

        /// <summary>
        /// The split of <paramref name="union"/> into <c>A = union[..s]</c> and <c>K = union[s..]</c>: among the splits where every variable of <c>A</c>
        /// lies in at most one K-factor (so <c>P</c> is multilinear), the one of least estimated work — the contraction
        /// <c>|KF|·2^(|A_P| + |K|)</c> plus both stages' rounds (about twice their tables' sizes) — or no contraction (<c>s = |U|</c>).
        /// </summary>
        private static int Split(Table[] factors, int[] union)
        {
            int best = union.Length;
            double bestCost = 2.0 * factors.Length * Math.Pow(2, union.Length);
            for (int s = 0; s < union.Length; s++)
            {
                int[] k = union[s..];
                Table[] kFactors = [.. factors.Where(f => Touches(f, k))];
                int[] aP = [.. kFactors.SelectMany(f => f.Variables).Where(v => Array.IndexOf(k, v) < 0).Distinct()];
                if (aP.Any(v => kFactors.Count(f => Array.IndexOf(f.Variables, v) >= 0) > 1))
                {
                    continue;
                }

                double cost = (kFactors.Length * Math.Pow(2, aP.Length + k.Length))
                    + (2.0 * (factors.Length - kFactors.Length + 1) * Math.Pow(2, s)) + (2.0 * kFactors.Length * Math.Pow(2, k.Length));
                if (cost < bestCost)
                {
                    (best, bestCost) = (s, cost);
                }
            }

            return best;
        }

        /// <summary>
        /// <c>P(a) = Σ_(x_K) Π_(f∈KF) F_f(a_f, x_K)</c> over <c>A_P</c> (the K-factors' variables in <c>A</c>, increasing), from the K-factors'
        /// unbound tables: each is a matrix of rows over its <c>A</c> variables and columns over <c>K</c> (replicated over the part of <c>K</c> it lacks).
        /// </summary>
        private (T[] P, int[] Variables) Contract(Table[] kFactors)
        {
            int[] aP = [.. kFactors.SelectMany(f => f.Variables).Where(v => Array.IndexOf(_k, v) < 0).Distinct().Order()];
            int columns = 1 << _k.Length;
            var matrices = new T[kFactors.Length][];
            var rows = new int[kFactors.Length][];
            for (int f = 0; f < kFactors.Length; f++)
            {
                int[] own = [.. kFactors[f].Variables.Where(v => Array.IndexOf(_k, v) < 0)];
                int[] full = [.. own, .. _k];
                matrices[f] = kFactors[f].Variables.AsSpan().SequenceEqual(full) ? kFactors[f].Values : _owner.Own(Expand(kFactors[f].Values, kFactors[f].Variables, full));
                int[] shifts = Shifts(own, aP);
                rows[f] = new int[1 << aP.Length];
                for (int a = 0; a < rows[f].Length; a++)
                {
                    int row = 0;
                    foreach (int shift in shifts)
                    {
                        row = (row << 1) | ((a >> shift) & 1);
                    }

                    rows[f][a] = row * columns;
                }
            }

            T[] p = _owner.Own(new T[1 << aP.Length]);

            // Over GoldilocksExt2, the matrices whose entries all lie in the base field (weights, witness limbs, im2col entries) are
            // multiplied as base elements: one base product per entry instead of an extension product.
            Goldilocks[]?[] bases = typeof(T) == typeof(GoldilocksExt2) ? Array.ConvertAll(matrices, m => BaseEntries((GoldilocksExt2[])(object)m)) : new Goldilocks[]?[matrices.Length];
            Action<int, int> work = bases.Any(b => b is not null)
                ? (start, end) => RowsOverBase((GoldilocksExt2[][])(object)matrices, bases, rows, columns, (GoldilocksExt2[])(object)p, start, end)
                : (start, end) => Rows(matrices, rows, columns, p, start, end);
            if ((long)p.Length * columns * kFactors.Length >= ParallelWork && p.Length > 1)
            {
                int chunks = Math.Min(Math.Min(Environment.ProcessorCount, 8), p.Length);
                int size = (p.Length + chunks - 1) / chunks;
                Parallel.For(0, chunks, c => work(c * size, Math.Min(p.Length, (c + 1) * size)));
            }
            else
            {
                work(0, p.Length);
            }

            foreach (Goldilocks[]? b in bases)
            {
                Array.Clear(b ?? []);
            }

            return (p, aP);
        }

        /// <summary>The base components of a table whose entries all lie in the base field, else <see langword="null"/>.</summary>
        private static Goldilocks[]? BaseEntries(GoldilocksExt2[] table)
        {
            foreach (GoldilocksExt2 value in table)
            {
                if (!value.C1.IsZero)
                {
                    return null;
                }
            }

            return Array.ConvertAll(table, value => value.C0);
        }

        /// <summary><see cref="Rows"/> over GoldilocksExt2 with the base-field matrices (<paramref name="bases"/>) multiplied in the base field.</summary>
        private static void RowsOverBase(GoldilocksExt2[][] matrices, Goldilocks[]?[] bases, int[][] rows, int columns, GoldilocksExt2[] p, int start, int end)
        {
            int[] baseFactors = [.. Enumerable.Range(0, matrices.Length).Where(f => bases[f] is not null)];
            int[] extFactors = [.. Enumerable.Range(0, matrices.Length).Where(f => bases[f] is null)];
            for (int a = start; a < end; a++)
            {
                if (extFactors.Length == 0 && baseFactors.Length == 2)
                {
                    ReadOnlySpan<Goldilocks> left = bases[0].AsSpan(rows[0][a], columns), right = bases[1].AsSpan(rows[1][a], columns);
                    Goldilocks dot = Goldilocks.Zero;
                    for (int x = 0; x < columns; x++)
                    {
                        dot += left[x] * right[x];
                    }

                    p[a] = GoldilocksExt2.FromBase(dot);
                    continue;
                }

                if (extFactors.Length == 1 && baseFactors.Length == 1)
                {
                    ReadOnlySpan<GoldilocksExt2> left = matrices[extFactors[0]].AsSpan(rows[extFactors[0]][a], columns);
                    ReadOnlySpan<Goldilocks> right = bases[baseFactors[0]].AsSpan(rows[baseFactors[0]][a], columns);
                    GoldilocksExt2 dot = GoldilocksExt2.Zero;
                    for (int x = 0; x < columns; x++)
                    {
                        dot += left[x].MultiplyByBase(right[x]);
                    }

                    p[a] = dot;
                    continue;
                }

                GoldilocksExt2 sum = GoldilocksExt2.Zero;
                for (int x = 0; x < columns; x++)
                {
                    Goldilocks baseProduct = Goldilocks.One;
                    foreach (int f in baseFactors)
                    {
                        baseProduct *= bases[f]![rows[f][a] + x];
                    }

                    GoldilocksExt2 product = GoldilocksExt2.FromBase(baseProduct);
                    foreach (int f in extFactors)
                    {
                        product *= matrices[f][rows[f][a] + x];
                    }

                    sum += product;
                }

                p[a] = sum;
            }
        }

        private static void Rows(T[][] matrices, int[][] rows, int columns, T[] p, int start, int end)
        {
            for (int a = start; a < end; a++)
            {
                T sum = T.Zero;
                if (matrices.Length == 1)
                {
                    ReadOnlySpan<T> row = matrices[0].AsSpan(rows[0][a], columns);
                    foreach (T value in row)
                    {
                        sum += value;
                    }
                }
                else if (matrices.Length == 2)
                {
                    ReadOnlySpan<T> left = matrices[0].AsSpan(rows[0][a], columns), right = matrices[1].AsSpan(rows[1][a], columns);
                    for (int x = 0; x < columns; x++)
                    {
                        sum += left[x] * right[x];
                    }
                }
                else
                {
                    for (int x = 0; x < columns; x++)
                    {
                        T product = matrices[0][rows[0][a] + x];
                        for (int f = 1; f < matrices.Length; f++)
                        {
                            product *= matrices[f][rows[f][a] + x];
                        }

                        sum += product;
                    }
                }

                p[a] = sum;
            }
        }

        /// <summary>
        /// At the first round over <c>K</c>: every variable of <c>A</c> is bound, so the factors without <c>K</c> are the scalar
        /// <c>Π F_k(r_A)</c> and the K-factors are their shared tables over their free variables (replicated over the rest of <c>K</c>).
        /// </summary>
        private void BeginStage2()
        {
            Table[] factors = Array.ConvertAll(_factors, k => _owner._factors[k]);
            _scalar = T.One;
            var stage2 = new List<Table>();
            foreach (Table factor in factors)
            {
                if (!Touches(factor, _k))
                {
                    _scalar *= factor.Values[0];
                }
                else if (factor.Free.SequenceEqual(_k))
                {
                    stage2.Add(factor);
                }
                else
                {
                    stage2.Add(new Table(_owner.Own(Expand(factor.Values.AsSpan(0, factor.Length), factor.Free, _k)), _k, Shared: false));
                }
            }

            _stage2 = [.. stage2];
            _stage1 = null;
        }
    }
}
