using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Training;

/// <summary>
/// A proof that snapshot 0 of a recorded run commits to <see cref="FixedPointTrainer.InitialWeights"/>
/// (<see cref="InitialSnapshotArgument"/>): one Ligero opening per snapshot polynomial at a Fiat–Shamir point.
/// Byte format: <see cref="InitialSnapshotProofSerializer"/>.
/// </summary>
public sealed class InitialSnapshotProof
{
    private readonly LigeroOpeningProof<GoldilocksExt2>[] _openings;

    internal InitialSnapshotProof(LigeroOpeningProof<GoldilocksExt2>[] openings)
    {
        _openings = openings;
    }

    /// <summary>Gets the openings of snapshot 0's weight polynomials, in polynomial order.</summary>
    public IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> Openings => _openings;

    internal LigeroOpeningProof<GoldilocksExt2>[] OpeningArray => _openings;
}
