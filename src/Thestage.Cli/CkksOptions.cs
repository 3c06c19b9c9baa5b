using System.CommandLine;

namespace Thestage.Cli;

/// <summary>Options of <c>thestage ckks</c>.</summary>
internal sealed record CkksOptions
{
    private static readonly Option<int> NOption = CliOptions.Choice("--n", "Ring dimension N", [8192, 16384, 32768], 8192);
    private static readonly Option<int> RunsOption = CliOptions.Count("--runs", "Runs of the workload (the median is shown)", 1, 1000, 5);

    public int N { get; init; } = 8192;

    public int Runs { get; init; } = 5;

    /// <summary>The verb, its options and its action.</summary>
    public static Command Command(Func<CkksOptions, Terminal, CancellationToken, int> run)
    {
        var command = new Command("ckks", "RNS-CKKS walk-through: encode → encrypt → multiply → rotate-and-sum → square → decrypt, with per-stage timings and measured precision.")
        {
            NOption, RunsOption,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => run(new CkksOptions { N = result.GetValue(NOption), Runs = result.GetValue(RunsOption) }, terminal, token)));
        return command;
    }
}
