using BenchmarkDotNet.Running;

namespace Thestage.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/Thestage.Benchmarks -- --filter '*'</c>;
/// <c>… -- seal-report|commit-report &lt;work directory&gt; &lt;output.md&gt;</c> writes the table of
/// <c>benchmarks/compare-seal.sh</c> or <c>benchmarks/compare-commits.sh</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "seal-report")
        {
            return SealComparison.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "commit-report")
        {
            return CommitComparison.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
