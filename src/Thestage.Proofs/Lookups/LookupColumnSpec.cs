namespace Thestage.Proofs.Lookups;

/// <summary>
/// A looked-up column as the verifier knows it: its length <c>2^LogSize</c> and the public affine map
/// <c>v ↦ Scale·v + Offset</c> applied to its entries before the lookup (scaling by <c>2^c</c> turns the table
/// <c>[0, 2^8)</c> into a check of <c>[0, 2^(8−c))</c>; an offset of 128 checks signed bytes).
/// </summary>
/// <param name="LogSize">log2 of the column length.</param>
/// <param name="Scale">The multiplier applied to every entry.</param>
/// <param name="Offset">The constant added after scaling.</param>
/// <param name="Masked">
/// Whether the column is read through a masked extension in a zero-knowledge lookup (<see cref="LogUpArgument"/>): its leaf claim is
/// then on <c>ċ(u) = c̃(u) + u_(v−1)(1 − u_(v−1))·C(u_1 … u_(v−2), u_v)</c>, the <see cref="Sumcheck.MaskedExtension"/> at the point with its last
/// two coordinates swapped (<see cref="LogUpClaims{T}.ColumnMaskPoints"/>).
/// </param>
internal readonly record struct LookupColumnSpec(int LogSize, ulong Scale, ulong Offset = 0, bool Masked = false);
