using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Commitments;

/// <summary>The public commitment to a multilinear polynomial: the Merkle root over encoded columns and the number of variables.</summary>
/// <remarks>Ligero (Ames et al., CCS 2017); Brakedown (Golovnev et al., eprint 2021/1043).</remarks>
public sealed class LigeroCommitment
{
    /// <summary>Initializes a new commitment.</summary>
    /// <param name="root">The Merkle root.</param>
    /// <param name="numVariables">The number of variables, in <c>[0, LigeroParameters.MaxVariables]</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numVariables"/> is out of range.</exception>
    public LigeroCommitment(Digest256 root, int numVariables)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numVariables);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numVariables, LigeroParameters.MaxVariables);
        Root = root;
        NumVariables = numVariables;
    }

    /// <summary>Gets the Merkle root over the salted column leaves.</summary>
    public Digest256 Root { get; }

    /// <summary>Gets the number of variables of the committed polynomial.</summary>
    public int NumVariables { get; }
}
