using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;

namespace Thestage.Proofs.Training;

/// <summary>The proofs that open a snapshot of a hiding run, each with its own randomness in the snapshot's polynomials.</summary>
internal enum SnapshotRole
{
    /// <summary>The step proof of step <c>t</c>, opening snapshot <c>t</c> (the parameters before the step).</summary>
    StepBefore,

    /// <summary>The step proof of step <c>t</c>, opening snapshot <c>t + 1</c> (the parameters after the step).</summary>
    StepAfter,

    /// <summary>The model link, opening the final snapshot.</summary>
    Link,
}

/// <summary>
/// The committed polynomials of a hiding run's snapshot (<c>TSTT</c> v5): polynomial <c>g</c> holds the plain snapshot polynomial
/// <c>P_g</c> of <see cref="WeightCommitment.Layout"/> as one segment (segment <c>g</c>), and beside it one random segment of two
/// uniform base entries per batched opening role (<see cref="SnapshotRole"/>), so the value <c>P̃′_g(s)</c> a role's batched opening
/// proves is uniform (<see cref="ClaimBatcher"/>: two entries no claim reads, with weights independent over the base field).
/// </summary>
/// <remarks>
/// <para>
/// The random segments are drawn from the snapshot's salt source before its Ligero salts, so a snapshot committed again from its
/// seed (<see cref="TrainingRun"/>) has the same roots. A claim <c>S̃_σ(r)</c> on segment <c>σ</c> of <c>P_g</c> is the claim
/// <c>P̃_g(β_σ, r)</c> on segment <c>g</c> here (<see cref="Lift"/>), and a point opening of <c>P̃_g(z)</c> (the range and
/// initial-snapshot proofs) is an opening of <c>P̃′_g</c> at <c>g</c>'s Boolean prefix followed by <c>z</c> (<see cref="Point"/>).
/// Three roles with their own segments: over the proofs that batch claims on one snapshot (the step before it, the step after it,
/// the link for the final one) the values <c>P̃′_g(s_b)</c> are jointly uniform when the matrix of <c>eq(s_b, ·)</c> on the random
/// segments is invertible (as for <see cref="WeightMaskLayout"/>), with probability at least <c>1 − 3/|F|</c> over the points.
/// </para>
/// <para>
/// Cost: the polynomials grow to the next power of two above <c>2^(v_g)</c> plus <c>2·3</c> entries, i.e. one more variable.
/// </para>
/// </remarks>
internal sealed class SnapshotMaskLayout
{
    private const int Roles = 3;

    private readonly int[,] _random; // [role, polynomial]

    private SnapshotMaskLayout(SegmentLayout inner, SegmentLayout layout, int[,] random)
    {
        Inner = inner;
        Layout = layout;
        _random = random;
    }

    /// <summary>Gets the plain snapshot layout (<see cref="WeightCommitment.Layout"/>): what the range and initial-snapshot proofs read.</summary>
    public SegmentLayout Inner { get; }

    /// <summary>Gets the committed polynomials' layout: segment <c>g</c> is plain polynomial <c>g</c>, then the random segments.</summary>
    public SegmentLayout Layout { get; }

    /// <summary>The layout of a configuration's hiding snapshots.</summary>
    public static SnapshotMaskLayout Create(TrainingConfig config)
    {
        SegmentLayout inner = WeightCommitment.Layout(config);
        int polynomials = inner.NumVariables.Length;
        var logSizes = new List<int>(inner.NumVariables);
        var groups = Enumerable.Range(0, polynomials).ToList();
        var random = new int[Roles, polynomials];
        for (int role = 0; role < Roles; role++)
        {
            for (int g = 0; g < polynomials; g++)
            {
                random[role, g] = logSizes.Count;
                logSizes.Add(ZeroKnowledgeLayout.RandomLogSize);
                groups.Add(g);
            }
        }

        return new SnapshotMaskLayout(inner, SegmentLayout.Grouped(logSizes, groups), random);
    }

    /// <summary>The random segment of <paramref name="role"/> in polynomial <paramref name="polynomial"/>.</summary>
    public int RandomOf(SnapshotRole role, int polynomial) => _random[(int)role, polynomial];

    /// <summary>The committed polynomials: the plain ones as segments <c>0 … G − 1</c>, and fresh random segments drawn from <paramref name="salts"/>.</summary>
    public Goldilocks[][] Polynomials(Goldilocks[][] plain, ISaltSource salts)
    {
        var words = new LigeroMasking.SaltWords(salts);
        var segments = new Goldilocks[Layout.SegmentCount][];
        plain.CopyTo(segments, 0);
        for (int s = plain.Length; s < segments.Length; s++)
        {
            segments[s] = [Goldilocks.Sample(words), Goldilocks.Sample(words)];
        }

        words.Clear();
        Goldilocks[][] polynomials = Layout.Assemble(segments);
        foreach (Goldilocks[] secret in segments.Skip(plain.Length))
        {
            Array.Clear(secret);
        }

        return polynomials;
    }

    /// <summary>A claim on a segment of the plain layout as a claim on the committed polynomial holding it.</summary>
    public SegmentClaim<T> Lift<T>(SegmentClaim<T> claim)
        where T : struct, IExtensionField<T> =>
        claim with { Segment = Inner.PolynomialOf(claim.Segment), Point = Inner.Lift(claim.Segment, claim.Point) };

    /// <summary>The point of committed polynomial <paramref name="polynomial"/> at which <c>P̃′</c> equals the plain <c>P̃_g(z)</c>.</summary>
    public T[] Point<T>(int polynomial, ReadOnlySpan<T> z)
        where T : struct, IExtensionField<T> =>
        Layout.Lift(polynomial, z);
}
