namespace Thestage.Proofs.Lookups;

/// <summary>
/// The leaf layout of the fractional-sum tree: the looked-up columns and the table as aligned power-of-two
/// blocks (largest first), then neutral padding blocks (<c>0/1</c>) up to <c>2^LogSize</c>.
/// </summary>
internal sealed class LogUpLayout
{
    /// <summary>Block kinds: a column index ≥ 0, <see cref="Table"/>, or <see cref="Padding"/>.</summary>
    public const int Table = -1;

    public const int Padding = -2;

    private LogUpLayout(List<(int Owner, int Offset, int LogSize)> blocks, int logSize)
    {
        Blocks = blocks;
        LogSize = logSize;
    }

    /// <summary>Gets the blocks: owner (column index, <see cref="Table"/> or <see cref="Padding"/>), offset and log2 size.</summary>
    public IReadOnlyList<(int Owner, int Offset, int LogSize)> Blocks { get; }

    /// <summary>Gets log2 of the number of leaves.</summary>
    public int LogSize { get; }

    public static LogUpLayout Create(IReadOnlyList<LookupColumnSpec> columns, int tableBits)
    {
        var owners = new List<(int Owner, int LogSize)> { (Table, tableBits) };
        for (int j = 0; j < columns.Count; j++)
        {
            owners.Add((j, columns[j].LogSize));
        }

        owners.Sort((a, b) => a.LogSize != b.LogSize ? b.LogSize.CompareTo(a.LogSize) : a.Owner.CompareTo(b.Owner));
        long used = 0;
        var blocks = new List<(int Owner, int Offset, int LogSize)>();
        foreach ((int owner, int logSize) in owners)
        {
            blocks.Add((owner, (int)used, logSize));
            used += 1L << logSize;
        }

        int total = 0;
        while ((1L << total) < used)
        {
            total++;
        }

        if (total > 28)
        {
            throw new ArgumentException("Too many lookups.");
        }

        while (used < 1L << total)
        {
            long size = used & -used;
            blocks.Add((Padding, (int)used, System.Numerics.BitOperations.Log2((ulong)size)));
            used += size;
        }

        return new LogUpLayout(blocks, total);
    }
}
