using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>A Basefold commitment: the Merkle root of the salted leaves of the encoded table, and its number of variables.</summary>
/// <param name="Root">The root of layer 0.</param>
/// <param name="NumVariables">The number of variables <c>v</c> of the committed table.</param>
internal sealed record BasefoldCommitment(Digest256 Root, int NumVariables);
