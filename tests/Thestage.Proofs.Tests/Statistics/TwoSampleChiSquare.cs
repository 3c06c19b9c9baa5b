using Thestage.Proofs.Fields;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Tests.Statistics;

/// <summary>
/// Pearson's two-sample χ² test of homogeneity over 16 buckets (the top four bits of a canonical Goldilocks value), for the
/// indistinguishability tests of hiding proofs: the revealed field elements of proofs from two witnesses with the same
/// public statement must come from one distribution. Every run is seeded, so a verdict never changes between runs.
/// </summary>
internal sealed class TwoSampleChiSquare
{
    /// <summary>The number of buckets (15 degrees of freedom).</summary>
    public const int Buckets = 16;

    /// <summary>
    /// The rejection threshold: <c>P(χ²_15 ≥ 75) ≈ 5·10^−10</c> (regularized upper incomplete gamma <c>Q(7.5, 37.5)</c>), so
    /// identical distributions are declared different about once in two billion seeds.
    /// </summary>
    public const double Threshold = 75.0;

    private readonly long[] _first = new long[Buckets];
    private readonly long[] _second = new long[Buckets];

    /// <summary>Adds a value revealed by a proof of the first witness.</summary>
    public void AddFirst(Goldilocks value) => _first[Bucket(value)]++;

    /// <summary>Adds a value revealed by a proof of the second witness.</summary>
    public void AddSecond(Goldilocks value) => _second[Bucket(value)]++;

    /// <summary>Adds every coefficient of an extension element to the first sample.</summary>
    public void AddFirst(GoldilocksExt2 value)
    {
        AddFirst(value.GetCoefficient(0));
        AddFirst(value.GetCoefficient(1));
    }

    /// <summary>Adds every coefficient of an extension element to the second sample.</summary>
    public void AddSecond(GoldilocksExt2 value)
    {
        AddSecond(value.GetCoefficient(0));
        AddSecond(value.GetCoefficient(1));
    }

    /// <summary>Adds an extension element to the first sample (<paramref name="first"/>) or to the second.</summary>
    public void Add(bool first, GoldilocksExt2 value)
    {
        if (first)
        {
            AddFirst(value);
        }
        else
        {
            AddSecond(value);
        }
    }

    /// <summary>Adds every round message of <paramref name="proofs"/> (the values a sumcheck reveals) to one sample.</summary>
    public void AddRoundMessages(bool first, IEnumerable<SumcheckProof<GoldilocksExt2>> proofs)
    {
        foreach (SumcheckProof<GoldilocksExt2> proof in proofs)
        {
            for (int i = 0; i < proof.RoundCount; i++)
            {
                foreach (GoldilocksExt2 value in proof.GetRoundPolynomial(i))
                {
                    Add(first, value);
                }
            }
        }
    }

    /// <summary>
    /// Adds both coefficients of an extension element to one sample, bucketed by their low four bits instead of the top four:
    /// where small integers (counts, int8 weights) differ, for tests of revealed histograms.
    /// </summary>
    public void AddLowBits(bool first, GoldilocksExt2 value)
    {
        long[] sample = first ? _first : _second;
        sample[(int)(value.GetCoefficient(0).Value & (Buckets - 1))]++;
        sample[(int)(value.GetCoefficient(1).Value & (Buckets - 1))]++;
    }

    /// <summary>Adds a base element to one sample, bucketed by its low four bits (as <see cref="AddLowBits(bool, GoldilocksExt2)"/>).</summary>
    public void AddLowBits(bool first, Goldilocks value) => (first ? _first : _second)[(int)(value.Value & (Buckets - 1))]++;

    /// <summary>Gets the sizes of the two samples.</summary>
    public (long First, long Second) Counts => (_first.Sum(), _second.Sum());

    /// <summary>The statistic <c>Σ_i (a_i·√(N_b/N_a) − b_i·√(N_a/N_b))² / (a_i + b_i)</c> over non-empty buckets.</summary>
    public double Statistic()
    {
        double na = _first.Sum(), nb = _second.Sum();
        double ka = Math.Sqrt(nb / na), kb = Math.Sqrt(na / nb);
        double sum = 0;
        for (int i = 0; i < Buckets; i++)
        {
            long total = _first[i] + _second[i];
            if (total > 0)
            {
                double difference = (_first[i] * ka) - (_second[i] * kb);
                sum += difference * difference / total;
            }
        }

        return sum;
    }

    /// <summary>Whether the two samples are declared to come from different distributions.</summary>
    public bool Distinguishes => Statistic() >= Threshold;

    private static int Bucket(Goldilocks value) => (int)(value.Value >> 60);
}
