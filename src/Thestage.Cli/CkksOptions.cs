namespace Thestage.Cli;

/// <summary>Options of <c>thestage ckks</c>.</summary>
internal sealed record CkksOptions
{
    public int N { get; init; } = 8192;

    public int Runs { get; init; } = 5;

    public static CkksOptions Parse(string[] args) =>
        OptionReader.Parse(args, new CkksOptions(), (options, o) => o.Name switch
        {
            "--n" => options with { N = RingDimension(o) },
            "--runs" => options with { Runs = o.Count(1, 1000) },
            _ => throw o.Unknown(),
        });

    private static int RingDimension(OptionReader o)
    {
        string name = o.Name;
        int n = o.Count(8192, 32768);
        return n is 8192 or 16384 or 32768 ? n : throw new UsageException($"{name} takes 8192, 16384 or 32768; got '{n}'");
    }
}
