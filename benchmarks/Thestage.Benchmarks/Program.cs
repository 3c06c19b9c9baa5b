using BenchmarkDotNet.Running;

namespace Thestage.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/Thestage.Benchmarks -- --filter '*'</c>;
/// <c>… -- seal-report|commit-report &lt;work directory&gt; &lt;output.md&gt;</c> writes the table of
/// <c>benchmarks/compare-seal.sh</c> or <c>benchmarks/compare-commits.sh</c>;
/// <c>… -- lenet5-prove [max|avg] [warm-up proofs] [measured proofs] [hiding|plain]</c> proves LeNet-5 in one process (<c>benchmarks/compare-zkcnn.sh</c>);
/// <c>… -- lenet5-verify [max|avg] [verifications] [hiding|plain]</c> verifies one LeNet-5 proof repeatedly (thread CPU time, allocation).
/// <c>… -- private-input-prove [lenet|mlp] [warm-up] [measured] [input budget]</c> proves and verifies a private input (thread CPU time, sizes).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "seal-report")
        {
            return SealComparison.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "lenet5-prove")
        {
            return Proofs.LeNet5Process.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "lenet5-verify")
        {
            return Proofs.LeNet5Process.RunVerify(args[1..]);
        }

        if (args.Length > 0 && args[0] == "private-input-prove")
        {
            return Proofs.PrivateInputProcess.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "commit-report")
        {
            return CommitComparison.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
