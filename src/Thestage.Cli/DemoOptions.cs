namespace Thestage.Cli;

/// <summary>Options of <c>thestage demo</c>.</summary>
internal sealed record DemoOptions
{
    public string? DataDirectory { get; init; }

    public int TrainImages { get; init; } = 60000;

    public int Epochs { get; init; } = 3;

    public int EncryptedImages { get; init; } = 4096;

    public int SingleImages { get; init; } = 10;

    public static DemoOptions Parse(string[] args) =>
        OptionReader.Parse(args, new DemoOptions(), (options, o) => o.Name switch
        {
            "--data" => options with { DataDirectory = o.Directory() },
            "--train" => options with { TrainImages = o.Count(100, 60000) },
            "--epochs" => options with { Epochs = o.Count(1, 100) },
            "--images" => options with { EncryptedImages = o.Count(1, 4096) },
            "--single" => options with { SingleImages = o.Count(0, 10000) },
            _ => throw o.Unknown(),
        });
}
