using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// A masked low-degree extension of a table <c>S</c> of <c>2^v</c> entries, after Libra (Xie, Zhang, Zhang, Papamanthou, Song,
/// CRYPTO 2019, eprint 2019/317, §4) and Chiesa, Forbes, Spooner (eprint 2017/305):
/// <c>Ṡ(x) = S̃(x) + x_v(1 − x_v)·C(x_1 … x_(v−1))</c>, <c>C(y) = c_0 + Σ_(j&lt;v) c_j·y_j</c>, with <c>v</c> uniform extension coefficients
/// <c>c</c> committed (hiding) beside <c>S</c> before any challenge of the sumchecks that read <c>Ṡ</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Why it keeps every relation.</b> <c>x_v(1 − x_v)</c> vanishes on <c>{0, 1}</c>, so <c>Ṡ = S</c> on the hypercube: every relation
/// that is a sum over the hypercube (a sumcheck's claimed sum, a logUp fraction sum) holds for <c>Ṡ</c> exactly when it holds for
/// <c>S</c>. <c>Ṡ</c> is multilinear in <c>x_1 … x_(v−1)</c> and of degree 2 in the last variable only (Libra masks with
/// <c>Π_j x_j(1 − x_j)</c>, of degree 3 in every variable; one variable is enough for evaluation claims): in a sumcheck binding
/// <c>x_1</c> first, rounds <c>1 … v−1</c> see the plain multilinear tables (the last variable is still Boolean) and only the last
/// round sees <c>C(r_1 … r_(v−1))·X(1 − X)</c>, on tables of two entries (<see cref="SumcheckProver"/>). The round degree is that of a
/// product with 2 more per masked factor, in every round, so that Libra's masking polynomial <c>g</c> hides each round alike.
/// </para>
/// <para>
/// <b>What a claim reveals.</b> A claim <c>Ṡ(z) = S̃(z) + ⟨m(z), c⟩</c> with <c>m(z) = z_v(1 − z_v)·(1, z_1, …, z_(v−1))</c>. For claims at
/// <c>k ≤ v</c> points <c>z^(1) … z^(k)</c> whose vectors <c>m(z^(i))</c> are linearly independent, <c>(⟨m(z^(i)), c⟩)_i</c> is uniform on
/// <c>E^k</c> for uniform <c>c</c> and independent of <c>S</c>, so the claimed values are uniform whatever <c>S</c> is. For coordinates drawn
/// uniformly from <c>E</c> the first <c>k × k</c> minor is <c>Π_i z^(i)_v(1 − z^(i)_v)</c> times a nonzero polynomial of degree <c>k − 1</c>, so
/// it vanishes with probability at most <c>3k/|E|</c> (Schwartz–Zippel): the only hiding loss. A table hides at most
/// <see cref="MaxClaims"/> <c>= v</c> claims, and only at points whose last coordinate is a challenge (not 0 or 1).
/// </para>
/// <para>
/// <b>How a claim is proven.</b> <c>Ṡ(z)</c> is the linear functional <see cref="AddWeights"/> of the committed table
/// <c>[S ‖ c]</c> (<c>eq(z, ·)</c> on <c>S</c>, <c>m(z)</c> on <c>c</c>), discharged by a hiding Ligero functional opening
/// (<see cref="LigeroFunctionalTerm{TExt}"/>) with the soundness of a point opening. The sumcheck that produced <c>z</c> stays sound:
/// round degree <c>d + 2m</c> for <c>m</c> masked factors, error <c>v·(d + 2m)/|E|</c>.
/// </para>
/// </remarks>
internal static class MaskedExtension
{
    /// <summary>The number of extension coefficients <c>c_0 … c_(v−1)</c> of a table of <c>2^v</c> entries: <c>v</c>.</summary>
    public static int Coefficients(int numVariables) => numVariables;

    /// <summary>The base-field entries of the coefficients: <c>2v</c> (each <c>c_j</c> a base pair).</summary>
    public static int Entries(int numVariables) => 2 * Coefficients(numVariables);

    /// <summary>The number of claims at independent random points a masked table hides: <c>v</c>.</summary>
    public static int MaxClaims(int numVariables) => Coefficients(numVariables);

    /// <summary>Reads the coefficients <c>c_0 … c_(v−1)</c> from <c>2v</c> base entries (the pair <c>(e_0, e_1)</c> is <c>e_0 + e_1·u</c>).</summary>
    public static T[] Read<T>(ReadOnlySpan<Goldilocks> entries, int numVariables)
        where T : struct, IExtensionField<T>
    {
        var c = new T[Coefficients(numVariables)];
        for (int j = 0; j < c.Length; j++)
        {
            c[j] = T.FromCoefficients(entries.Slice(2 * j, 2));
        }

        return c;
    }

    /// <summary><c>C(y) = c_0 + Σ_j c_(j+1)·y_j</c> at the first <c>v − 1</c> coordinates <paramref name="prefix"/>.</summary>
    public static T Coefficient<T>(ReadOnlySpan<T> c, ReadOnlySpan<T> prefix)
        where T : struct, IExtensionField<T>
    {
        if (c.Length != prefix.Length + 1)
        {
            throw new ArgumentException("A masked extension of v variables has v coefficients.", nameof(prefix));
        }

        T value = c[0];
        for (int j = 0; j < prefix.Length; j++)
        {
            value += c[j + 1] * prefix[j];
        }

        return value;
    }

    /// <summary>The mask's part <c>z_v(1 − z_v)·C(z_1 … z_(v−1))</c> of <c>Ṡ(z)</c>.</summary>
    public static T Shift<T>(ReadOnlySpan<T> c, ReadOnlySpan<T> point)
        where T : struct, IExtensionField<T> =>
        point.Length == 0 ? throw new ArgumentException("A masked extension has at least one variable.", nameof(point))
            : Vanishing(point[^1]) * Coefficient(c, point[..^1]);

    /// <summary><c>Ṡ(z) = S̃(z) + z_v(1 − z_v)·C(z_1 … z_(v−1))</c>.</summary>
    public static T Evaluate<T>(ReadOnlySpan<T> table, ReadOnlySpan<T> c, ReadOnlySpan<T> point)
        where T : struct, IExtensionField<T> =>
        MultilinearPolynomial<T>.Evaluate(table, point) + Shift(c, point);

    /// <summary><c>x(1 − x)</c>, zero on <c>{0, 1}</c>.</summary>
    public static T Vanishing<T>(T x)
        where T : struct, IExtensionField<T> => x * (T.One - x);

    /// <summary>
    /// Adds <paramref name="scale"/> times the functional of <c>Ṡ(z)</c> on a committed table holding <c>S</c> at
    /// <paramref name="tableOffset"/> (<c>2^v</c> entries) and <c>c</c> at <paramref name="maskOffset"/> (<see cref="Entries"/> base
    /// entries) to <paramref name="functional"/>: <c>eq(z, x)</c> on <c>S[x]</c>, and <c>m(z)_j</c> on <c>c_j</c> as the base pair
    /// <c>(w, u·w)</c> (the functional's value on <c>(e_0, e_1)</c> is then <c>w·(e_0 + u·e_1)</c>).
    /// </summary>
    /// <param name="point">The point <c>z</c>.</param>
    /// <param name="scale">The factor of the functional.</param>
    /// <param name="functional">The functional, indexed like the committed table.</param>
    /// <param name="tableOffset">The offset of <c>S</c>.</param>
    /// <param name="maskOffset">The offset of <c>c</c>.</param>
    /// <param name="masksOnly">Whether to add the weights of <c>c</c> only (the verifier of a batch evaluates <c>eq(z, ·)</c> itself).</param>
    public static void AddWeights<T>(ReadOnlySpan<T> point, T scale, Span<T> functional, int tableOffset, int maskOffset, bool masksOnly = false)
        where T : struct, IExtensionField<T>
    {
        if (point.Length == 0)
        {
            throw new ArgumentException("A masked extension has at least one variable.", nameof(point));
        }

        if (!masksOnly)
        {
            FieldKernels.AddScaled<T>(functional.Slice(tableOffset, 1 << point.Length), scale, EqPolynomial.Table(point));
        }

        T u = T.FromCoefficients([Goldilocks.Zero, Goldilocks.One]);
        T weight = scale * Vanishing(point[^1]);
        for (int j = 0; j < point.Length; j++)
        {
            T w = j == 0 ? weight : weight * point[j - 1];
            functional[maskOffset + (2 * j)] += w;
            functional[maskOffset + (2 * j) + 1] += u * w;
        }
    }
}
