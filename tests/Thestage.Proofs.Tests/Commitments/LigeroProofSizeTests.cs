using System.Diagnostics;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Transcripts;
using Xunit.Abstractions;

namespace Thestage.Proofs.Tests.Commitments;

public sealed class LigeroProofSizeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(17)]
    [InlineData(20)]
    public void MeasuredProofSizeMatchesTheEstimateAndVerifies(int numVariables)
    {
        var watch = Stopwatch.StartNew();
        (LigeroProverState state, _, GoldilocksExt2[] point) = LigeroTests.Setup(numVariables, 4000 + numVariables);
        long commitMs = watch.ElapsedMilliseconds;
        watch.Restart();
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript("size"), state, point, out GoldilocksExt2 value);
        long openMs = watch.ElapsedMilliseconds;
        byte[] bytes = LigeroProofSerializer.Serialize(proof);
        watch.Restart();
        bool valid = LigeroVerifier.Verify(new Transcript("size"), state.Commitment, LigeroParameters.NonHidingForBenchmarks, point, value, LigeroProofSerializer.Deserialize<GoldilocksExt2>(bytes));
        long verifyMs = watch.ElapsedMilliseconds;

        Assert.True(valid);
        LigeroParameters parameters = LigeroParameters.NonHidingForBenchmarks;
        double estimate = parameters.EstimatedProofBytes(numVariables, parameters.ColumnVariables(numVariables));
        Assert.InRange(bytes.Length, 0.8 * estimate, 1.2 * estimate);
        output.WriteLine(
            $"2^{numVariables}: rows 2^{parameters.RowVariables(numVariables)} x cols 2^{parameters.ColumnVariables(numVariables)}, "
            + $"proof {bytes.Length} bytes (estimate {estimate:F0}), square layout estimate {parameters.EstimatedProofBytes(numVariables, (numVariables + 1) / 2):F0}; "
            + $"commit {commitMs} ms, open {openMs} ms, verify {verifyMs} ms");
    }
}
