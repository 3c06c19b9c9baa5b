using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// The public part of one chunk of a sumcheck masking pool: the root of its hiding Ligero commitment and its size
/// <c>2^LogSize</c> base-field entries (see <see cref="SumcheckMaskPool{T}"/>).
/// </summary>
/// <param name="Root">The Merkle root of the chunk's hiding commitment.</param>
/// <param name="LogSize">The number of variables of the committed table.</param>
internal readonly record struct SumcheckMaskChunk(Digest256 Root, int LogSize)
{
    /// <summary>The smallest chunk: <c>2^MinLogSize</c> entries.</summary>
    public const int MinLogSize = 4;

    /// <summary>The largest chunk: <c>2^MaxLogSize</c> entries (a mask of 64 variables and degree 63 needs under <c>2^13</c>).</summary>
    public const int MaxLogSize = 16;

    /// <summary>The most chunks a proof may declare (each adds its opening's error to the soundness budget).</summary>
    public const int MaxChunks = 8;
}
