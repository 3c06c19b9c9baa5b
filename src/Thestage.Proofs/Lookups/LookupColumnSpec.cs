namespace Thestage.Proofs.Lookups;

/// <summary>
/// A looked-up column as the verifier knows it: its length <c>2^LogSize</c> and the public factor by which its
/// entries are multiplied before the lookup (scaling by <c>2^c</c> turns the table <c>[0, 2^8)</c> into a check
/// of <c>[0, 2^(8−c))</c>).
/// </summary>
/// <param name="LogSize">log2 of the column length.</param>
/// <param name="Scale">The multiplier applied to every entry.</param>
internal readonly record struct LookupColumnSpec(int LogSize, ulong Scale);
