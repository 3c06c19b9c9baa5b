using System.Globalization;

namespace Thestage.Cli;

/// <summary>Options of <c>thestage demo</c>.</summary>
internal sealed record DemoOptions
{
    public string? DataDirectory { get; init; }

    public int TrainImages { get; init; } = 60000;

    public int Epochs { get; init; } = 3;

    public int EncryptedImages { get; init; } = 4096;

    public int SingleImages { get; init; } = 10;

    public static DemoOptions Parse(string[] args)
    {
        var options = new DemoOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Count(int min, int max)
            {
                string name = args[i];
                int v = int.Parse(Value(), CultureInfo.InvariantCulture);
                return v >= min && v <= max ? v : throw new ArgumentException($"{name} must lie in [{min}, {max}]");
            }

            options = args[i] switch
            {
                "--data" => options with { DataDirectory = Value() },
                "--train" => options with { TrainImages = Count(100, 60000) },
                "--epochs" => options with { Epochs = Count(1, 100) },
                "--images" => options with { EncryptedImages = Count(1, 4096) },
                "--single" => options with { SingleImages = Count(0, 10000) },
                _ => throw new ArgumentException($"unknown option '{args[i]}' (see thestage help)"),
            };
        }

        return options;
    }
}
