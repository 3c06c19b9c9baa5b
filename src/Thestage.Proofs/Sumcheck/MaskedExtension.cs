using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// Libra's masked low-degree extension of a table <c>S</c> of <c>2^v</c> entries (Xie, Zhang, Zhang, Papamanthou, Song,
/// CRYPTO 2019, eprint 2019/317, §4.2; Chiesa, Forbes, Spooner, eprint 2017/305): <c>Ṡ(x) = S̃(x) + Σ_(j&lt;v) x_j(1 − x_j)·c_j</c>
/// with <c>v</c> uniform extension coefficients <c>c_j</c>, committed (hiding) beside <c>S</c> before any challenge of the
/// sumchecks that read <c>Ṡ</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Why it keeps every relation.</b> <c>x_j(1 − x_j)</c> vanishes on <c>{0, 1}</c>, so <c>Ṡ = S</c> on the hypercube: every
/// relation that is a sum over the hypercube (a sumcheck's claimed sum, a logUp fraction sum) holds for <c>Ṡ</c> exactly when it
/// holds for <c>S</c>. <c>Ṡ</c> has degree 2 in each variable, so in round <c>i</c> of a sumcheck a masked factor restricted to
/// <c>(r_1 … r_(i−1), X, b)</c> is its folded multilinear table plus <c>κ_i + c_i·X(1 − X)</c>, <c>κ_i = Σ_(j&lt;i) r_j(1 − r_j)·c_j</c>
/// (the same for every <c>b</c>): the round degree grows by 2 per masked factor (<see cref="SumcheckProver"/>).
/// </para>
/// <para>
/// <b>What a claim reveals.</b> A claim <c>Ṡ(z) = S̃(z) + ⟨m(z), c⟩</c>, <c>m(z)_j = z_j(1 − z_j)</c>. For claims at <c>k ≤ v</c> points
/// <c>z^(1) … z^(k)</c> whose vectors <c>m(z^(i))</c> are linearly independent, <c>(⟨m(z^(i)), c⟩)_i</c> is uniform on <c>E^k</c> for
/// uniform <c>c</c> and independent of <c>S</c>, so the claimed values are uniform whatever <c>S</c> is. For challenges drawn uniformly
/// from <c>E</c> the <c>k × k</c> minor of the first <c>k</c> coordinates is a nonzero polynomial of degree <c>2k</c> in them, so it
/// vanishes with probability at most <c>2k/|E|</c> (Schwartz–Zippel): this is the only hiding loss, and a table may receive at most
/// <c>v</c> claims (<see cref="MaxClaims"/>).
/// </para>
/// <para>
/// <b>How a claim is proven.</b> <c>Ṡ(z)</c> is the linear functional <see cref="AddWeights"/> of the committed table
/// <c>[S ‖ c]</c> (<c>eq(z, ·)</c> on <c>S</c>, <c>m(z)</c> on <c>c</c>), discharged by a hiding Ligero functional opening
/// (<see cref="LigeroFunctionalTerm{TExt}"/>): its soundness is that of a point opening. The sumcheck that produced <c>z</c>
/// is sound as before: round degree <c>d + 2m</c> for <c>m</c> masked factors, error <c>v·(d + 2m)/|E|</c>.
/// </para>
/// </remarks>
internal static class MaskedExtension
{
    /// <summary>The base-field entries of the coefficients <c>c</c> of a table of <c>2^v</c> entries: <c>2v</c> (each <c>c_j</c> a base pair).</summary>
    public static int Entries(int numVariables) => 2 * numVariables;

    /// <summary>The number of claims at independent random points a masked table hides: <c>v</c>.</summary>
    public static int MaxClaims(int numVariables) => numVariables;

    /// <summary>Reads the coefficients <c>c_0 … c_(v−1)</c> from <c>2v</c> base entries (the pair <c>(e_0, e_1)</c> is <c>e_0 + e_1·u</c>).</summary>
    public static T[] Read<T>(ReadOnlySpan<Goldilocks> entries, int numVariables)
        where T : struct, IExtensionField<T>
    {
        var c = new T[numVariables];
        for (int j = 0; j < numVariables; j++)
        {
            c[j] = T.FromCoefficients(entries.Slice(2 * j, 2));
        }

        return c;
    }

    /// <summary>The mask's part <c>Σ_j z_j(1 − z_j)·c_j</c> of <c>Ṡ(z)</c>.</summary>
    public static T Shift<T>(ReadOnlySpan<T> c, ReadOnlySpan<T> point)
        where T : struct, IExtensionField<T>
    {
        if (c.Length != point.Length)
        {
            throw new ArgumentException("A masked extension has one coefficient per variable.", nameof(point));
        }

        T shift = T.Zero;
        for (int j = 0; j < c.Length; j++)
        {
            shift += Vanishing(point[j]) * c[j];
        }

        return shift;
    }

    /// <summary><c>Ṡ(z) = S̃(z) + Σ_j z_j(1 − z_j)·c_j</c>.</summary>
    public static T Evaluate<T>(ReadOnlySpan<T> table, ReadOnlySpan<T> c, ReadOnlySpan<T> point)
        where T : struct, IExtensionField<T> =>
        MultilinearPolynomial<T>.Evaluate(table, point) + Shift(c, point);

    /// <summary><c>x(1 − x)</c>, zero on <c>{0, 1}</c>.</summary>
    public static T Vanishing<T>(T x)
        where T : struct, IExtensionField<T> => x * (T.One - x);

    /// <summary>
    /// Adds <paramref name="scale"/> times the functional of <c>Ṡ(z)</c> on a committed table holding <c>S</c> at
    /// <paramref name="tableOffset"/> (<c>2^v</c> entries) and <c>c</c> at <paramref name="maskOffset"/> (<see cref="Entries"/> base
    /// entries) to <paramref name="functional"/>: <c>eq(z, x)</c> on <c>S[x]</c>, and <c>z_j(1 − z_j)</c> on <c>c_j</c> as the base pair
    /// <c>(w, u·w)</c> (the functional's value on <c>(e_0, e_1)</c> is then <c>w·(e_0 + u·e_1)</c>).
    /// </summary>
    public static void AddWeights<T>(ReadOnlySpan<T> point, T scale, Span<T> functional, int tableOffset, int maskOffset)
        where T : struct, IExtensionField<T>
    {
        FieldKernels.AddScaled<T>(functional.Slice(tableOffset, 1 << point.Length), scale, EqPolynomial.Table(point));
        T u = T.FromCoefficients([Goldilocks.Zero, Goldilocks.One]);
        for (int j = 0; j < point.Length; j++)
        {
            T weight = scale * Vanishing(point[j]);
            functional[maskOffset + (2 * j)] += weight;
            functional[maskOffset + (2 * j) + 1] += u * weight;
        }
    }
}
