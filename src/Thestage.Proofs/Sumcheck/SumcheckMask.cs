using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// The masking polynomial of one zero-knowledge sumcheck, <c>g(x) = c + Σ_(i&lt;v) Σ_(j=1..d) a_(i,j)·x_i^j</c> (a sum of
/// univariates of the round degree <c>d</c>, Libra: Xie, Zhang, Zhang, Papamanthou, Song, CRYPTO 2019, eprint 2019/317, §4.1),
/// with its <c>1 + v·d</c> extension coefficients read from a committed <see cref="SumcheckMaskPool{T}"/>.
/// </summary>
/// <remarks>
/// <para>
/// The sumcheck runs on <c>f + ρ·g</c> for a challenge <c>ρ</c> drawn after the prover sent <c>G = Σ_(x∈{0,1}^v) g(x)
/// = 2^v·c + 2^(v−1)·Σ a_(i,j)</c> (every <c>x^j</c> is <c>x</c> on the cube). Round <c>i</c>'s mask part, with <c>w = v − 1 − i</c>
/// free variables left, is <c>2^w·(c + Σ_(l&lt;i) h_l(r_l) + h_i(X) + ½·Σ_(l&gt;i) Σ_j a_(l,j))</c>, <c>h_l(X) = Σ_j a_(l,j) X^j</c>:
/// its coefficients of <c>X^1 … X^d</c> are <c>ρ·2^w·a_(i,·)</c>, fresh uniform values that hide those of <c>f</c>'s round
/// polynomial, and the constant term carries the uniform <c>c</c>. At the end the prover reveals <c>g(r) = c + Σ_i h_i(r_i)</c>,
/// proven by the pool's hiding opening.
/// </para>
/// <para>
/// The verifier's functional on the pool is <see cref="AddWeights"/>: <c>1</c> for <c>c</c> and <c>r_i^j</c> for <c>a_(i,j)</c>; an
/// extension coefficient is stored as the base pair <c>(e_0, e_1)</c> of <c>e_0 + e_1·u</c>, so its weight <c>w</c> becomes
/// <c>(w, u·w)</c> on the pair.
/// </para>
/// </remarks>
/// <typeparam name="T">The extension field (of degree 2, as hiding Ligero openings are).</typeparam>
internal sealed class SumcheckMask<T>
    where T : struct, IExtensionField<T>
{
    private readonly T[] _coefficients;
    private T _constant;
    private readonly T[] _suffix;
    private readonly int _degree;
    private T _prefix;

    internal SumcheckMask(T constant, T[] coefficients, int numVariables, int degree, SumcheckMaskPool<T>.Chunk chunk, int offset)
    {
        _constant = constant;
        _coefficients = coefficients;
        _degree = degree;
        NumVariables = numVariables;
        Chunk = chunk;
        Offset = offset;
        _suffix = new T[numVariables + 1];
        for (int i = numVariables - 1; i >= 0; i--)
        {
            T row = T.Zero;
            for (int j = 0; j < degree; j++)
            {
                row += coefficients[(i * degree) + j];
            }

            _suffix[i] = _suffix[i + 1] + row;
        }

        T sum = numVariables == 0 ? constant : (Power(numVariables) * constant) + (Power(numVariables - 1) * _suffix[0]);
        Sum = sum;
        Value = constant;
    }

    /// <summary>Gets <c>G = Σ_x g(x)</c>, sent before <c>ρ</c> is drawn.</summary>
    public T Sum { get; }

    /// <summary>Gets the weight <c>ρ</c> (set by the prover once drawn).</summary>
    public T Weight { get; set; }

    /// <summary>Gets <c>c + Σ_(l bound) h_l(r_l)</c>: <c>g(r)</c> once every round is bound.</summary>
    public T Value { get; private set; }

    /// <summary>Gets the number of variables <c>v</c>.</summary>
    public int NumVariables { get; }

    internal SumcheckMaskPool<T>.Chunk Chunk { get; }

    /// <summary>The base-field offset of <c>c</c> in <see cref="Chunk"/>.</summary>
    internal int Offset { get; }

    /// <summary>The number of base-field entries a mask of <c>v</c> variables and degree <c>d</c> reads: <c>2·(1 + v·d)</c>.</summary>
    public static int Entries(int numVariables, int degree) => 2 * (1 + (numVariables * degree));

    /// <summary>
    /// Writes the functional of <c>g(r)</c> on the pool, scaled by <paramref name="scale"/>, into <paramref name="functional"/>
    /// from <paramref name="offset"/> (see remarks).
    /// </summary>
    public static void AddWeights(ReadOnlySpan<T> point, int degree, T scale, Span<T> functional, int offset)
    {
        T u = T.FromCoefficients([Goldilocks.Zero, Goldilocks.One]);
        AddPair(functional, offset, scale, u);
        int position = offset + 2;
        foreach (T r in point)
        {
            T power = scale;
            for (int j = 0; j < degree; j++)
            {
                power *= r;
                AddPair(functional, position, power, u);
                position += 2;
            }
        }
    }

    /// <summary>The mask's coefficients <c>a_(i,j)</c> (secret until <see cref="Clear"/>; read by the tests' check that it clears them).</summary>
    internal ReadOnlySpan<T> Coefficients => _coefficients;

    /// <summary>
    /// Zeroes the secret coefficients and partial sums once <c>g(r)</c> is sent (<see cref="SumcheckMaskPool{T}.Finish"/>): with them
    /// and the round messages anyone could strip the mask off <c>f</c>'s round polynomials. <see cref="Sum"/> and <see cref="Value"/>
    /// stay (both are in the proof).
    /// </summary>
    public void Clear()
    {
        Array.Clear(_coefficients);
        Array.Clear(_suffix);
        _constant = T.Zero;
        _prefix = T.Zero;
    }

    /// <summary>Adds <c>ρ</c> times the mask's round polynomial (values at <c>0 … d</c>) of round <paramref name="round"/> to <paramref name="values"/>.</summary>
    public void AddRound(Span<T> values, int round)
    {
        int free = NumVariables - 1 - round;
        T scale = Weight * Power(free);
        T half = T.FromBase(Goldilocks.Invert(new Goldilocks(2)));
        T common = _constant + _prefix + (half * _suffix[round + 1]);
        for (int t = 0; t < values.Length; t++)
        {
            values[t] += scale * (common + Univariate(round, T.FromUInt64((ulong)t)));
        }
    }

    /// <summary>Binds round <paramref name="round"/>'s variable to the challenge <paramref name="r"/>.</summary>
    public void Bind(int round, T r)
    {
        _prefix += Univariate(round, r);
        Value = _constant + _prefix;
    }

    private static void AddPair(Span<T> functional, int offset, T weight, T u)
    {
        functional[offset] += weight;
        functional[offset + 1] += u * weight;
    }

    private static T Power(int exponent) => T.FromBase(Goldilocks.Pow(new Goldilocks(2), (ulong)exponent));

    private T Univariate(int round, T x)
    {
        T value = T.Zero;
        T power = T.One;
        for (int j = 0; j < _degree; j++)
        {
            power *= x;
            value += _coefficients[(round * _degree) + j] * power;
        }

        return value;
    }
}
