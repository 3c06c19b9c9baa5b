using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Statistics;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.ZeroKnowledge;

/// <summary>
/// Every field element an entire proof reveals, by position class, each class its own two-sample χ² (<see cref="TwoSampleChiSquare"/>,
/// low four bits of each coefficient): the sumchecks' round values, their factor evaluations (the final claims), the masks' <c>G</c> and
/// <c>g(r)</c>, the loose values, the Ligero openings' rows (proximity and evaluation) and their opened columns — of the witness opening, every
/// weight opening and every pool opening. What a proof holds besides field elements is digests (roots, Merkle paths, salts: outputs of
/// BLAKE2s on salted leaves) and the shapes the statement fixes.
/// </summary>
internal sealed class RevealedElements
{
    /// <summary>The position classes, in the order of <see cref="Report"/>.</summary>
    public static readonly string[] Classes = ["rounds", "factor evaluations", "G and g(r)", "loose values", "opening rows", "opened columns"];

    private readonly Dictionary<string, TwoSampleChiSquare> _classes = Classes.ToDictionary(c => c, _ => new TwoSampleChiSquare());

    /// <summary>Gets whether any class tells the two samples apart.</summary>
    public bool AnyDistinguishes => _classes.Values.Any(c => c.Distinguishes);

    /// <summary>Gets the sample of one class.</summary>
    public TwoSampleChiSquare this[string name] => _classes[name];

    /// <summary>Adds every revealed element of an inference proof to the first sample (<paramref name="first"/>) or to the second.</summary>
    public void Add(bool first, InferenceProof proof)
    {
        AddSumchecks(first, proof.Sumchecks);
        foreach (E value in proof.Values)
        {
            _classes["loose values"].AddLowBits(first, value);
        }

        AddOpenings(first, [proof.AdviceOpening, .. proof.WeightOpenings, .. proof.MaskOpenings]);
    }

    /// <summary>Adds every element of the sumchecks: rounds, factor evaluations, and of a masked one <c>G</c> and <c>g(r)</c>.</summary>
    public void AddSumchecks(bool first, IEnumerable<SumcheckProof<E>> sumchecks)
    {
        foreach (SumcheckProof<E> sumcheck in sumchecks)
        {
            for (int r = 0; r < sumcheck.RoundCount; r++)
            {
                foreach (E value in sumcheck.GetRoundPolynomial(r))
                {
                    _classes["rounds"].AddLowBits(first, value);
                }
            }

            foreach (E value in sumcheck.FactorEvaluations)
            {
                _classes["factor evaluations"].AddLowBits(first, value);
            }

            if (sumcheck.IsMasked)
            {
                _classes["G and g(r)"].AddLowBits(first, sumcheck.MaskSum);
                _classes["G and g(r)"].AddLowBits(first, sumcheck.MaskValue);
            }
        }
    }

    /// <summary>Adds the rows and the opened columns of Ligero openings.</summary>
    public void AddOpenings(bool first, IEnumerable<LigeroOpeningProof<E>> openings)
    {
        foreach (LigeroOpeningProof<E> opening in openings)
        {
            foreach (E value in opening.ProximityRow)
            {
                _classes["opening rows"].AddLowBits(first, value);
            }

            foreach (E value in opening.EvaluationRow)
            {
                _classes["opening rows"].AddLowBits(first, value);
            }

            foreach (Goldilocks value in opening.Columns)
            {
                _classes["opened columns"].AddLowBits(first, value);
            }
        }
    }

    /// <summary>Adds loose values (e.g. a range proof's) to their class.</summary>
    public void AddValues(bool first, ReadOnlySpan<E> values)
    {
        foreach (E value in values)
        {
            _classes["loose values"].AddLowBits(first, value);
        }
    }

    /// <summary>Adds loose base-field values (e.g. a plain range proof's published multiplicities) to their class.</summary>
    public void AddValues(bool first, ReadOnlySpan<Goldilocks> values)
    {
        foreach (Goldilocks value in values)
        {
            _classes["loose values"].AddLowBits(first, value);
        }
    }

    /// <summary>Every class's statistic and sample sizes, for the assertion messages.</summary>
    public string Report() =>
        string.Join("; ", Classes.Select(c => $"{c}: χ² = {_classes[c].Statistic():F1} over {_classes[c].Counts.First}/{_classes[c].Counts.Second}"));
}
