using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Training;

/// <summary>
/// A proof that, in step <see cref="Step"/> of a recorded run, the first layer's weight matrix committed in snapshot
/// <c>Step</c> times the batch inputs equals the published accumulators (<see cref="FirstLayerProductProver"/>).
/// </summary>
/// <remarks>
/// Contents: the batch samples (features, labels) with their dataset salts and Merkle paths, the accumulators
/// <c>acc[j, b] = Σ_i W_0[j, i]·x_b[i]</c> (row-major, <c>out × B</c>, bias not included), Thaler's
/// matrix-multiplication sumcheck and one Ligero opening of the weight snapshot. In memory only: no byte format yet.
/// </remarks>
public sealed class FirstLayerProductProof
{
    private readonly int[][] _features;
    private readonly int[] _labels;
    private readonly byte[][] _salts;
    private readonly MerklePath[] _paths;
    private readonly long[] _accumulators;

    internal FirstLayerProductProof(
        int step,
        int[][] features,
        int[] labels,
        byte[][] salts,
        MerklePath[] paths,
        long[] accumulators,
        SumcheckProof<GoldilocksExt2> sumcheck,
        LigeroOpeningProof<GoldilocksExt2> opening)
    {
        Step = step;
        _features = features;
        _labels = labels;
        _salts = salts;
        _paths = paths;
        _accumulators = accumulators;
        Sumcheck = sumcheck;
        Opening = opening;
    }

    /// <summary>Gets the step index.</summary>
    public int Step { get; }

    /// <summary>Gets the features of the batch samples, in batch order.</summary>
    public IReadOnlyList<int[]> Features => _features;

    /// <summary>Gets the labels of the batch samples (needed to authenticate the dataset leaves).</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>Gets the dataset leaf salts of the batch samples.</summary>
    public IReadOnlyList<byte[]> Salts => _salts;

    /// <summary>Gets the dataset Merkle paths of the batch samples.</summary>
    public IReadOnlyList<MerklePath> Paths => _paths;

    /// <summary>Gets the accumulators <c>acc[j, b]</c>, row-major <c>out × B</c> (units <c>2^−2f</c>).</summary>
    public IReadOnlyList<long> Accumulators => _accumulators;

    /// <summary>Gets the matrix-multiplication sumcheck proof.</summary>
    public SumcheckProof<GoldilocksExt2> Sumcheck { get; }

    /// <summary>Gets the Ligero opening of the weight snapshot at the sumcheck's point.</summary>
    public LigeroOpeningProof<GoldilocksExt2> Opening { get; }

    internal int[][] FeaturesArray => _features;

    internal long[] AccumulatorArray => _accumulators;
}
