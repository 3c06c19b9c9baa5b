using System.Diagnostics;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Training;
using Thestage.Proofs.Transcripts;
using Xunit.Abstractions;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// One-shot timings and sizes of the snapshot proofs (range and padding, initial snapshot) at 784-64-10 for the README,
/// written to the test output. Nothing here asserts a time; the proofs are checked to verify.
/// </summary>
public sealed class SnapshotMeasurements(ITestOutputHelper output)
{
    [Fact]
    public void SnapshotProofFigures()
    {
        var config = new TrainingConfig([784, 64, 10], batchSize: 16, learningRateShift: 4, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: 30);
        TrainingDataset data = SyntheticData.Blobs(config, 256, 1, 0.35, 31).Train;
        TrainingRun run = TrainingRun.Record(config, data, 1, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(32));   // the plain proofs (TSSR v3) of the figures
        Assert.Equal([16, 11], run.Transcript.WeightVariables);

        // Warm-up (JIT), then two timed runs of each.
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, SnapshotRangeArgument.Prove(run, 1, new SeededSaltSource(33))));
        Assert.True(InitialSnapshotArgument.Verify(run.Transcript, InitialSnapshotArgument.Prove(run)));
        output.WriteLine($"784-64-10, B = 16, f = 16, W = 24, V = 28, k = 4; weight polynomials 2^{run.Transcript.WeightVariables[0]} + 2^{run.Transcript.WeightVariables[1]}");
        for (int trial = 0; trial < 2; trial++)
        {
            var clock = Stopwatch.StartNew();
            SnapshotRangeProof range = SnapshotRangeArgument.Prove(run, 1, new SeededSaltSource(34 + trial));
            double rangeProve = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            Assert.True(SnapshotRangeArgument.Verify(run.Transcript, range));
            double rangeVerify = clock.Elapsed.TotalMilliseconds;
            int rangeBytes = SnapshotRangeProofSerializer.Serialize(range).Length;

            clock.Restart();
            InitialSnapshotProof initial = InitialSnapshotArgument.Prove(run);
            double initialProve = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            Assert.True(InitialSnapshotArgument.Verify(run.Transcript, initial));
            double initialVerify = clock.Elapsed.TotalMilliseconds;
            int initialBytes = InitialSnapshotProofSerializer.Serialize(initial).Length;

            output.WriteLine($"run {trial + 1}: snapshot range + padding proof (TSSR v3): prove {rangeProve:F0} ms, verify {rangeVerify:F0} ms, {rangeBytes} bytes ({rangeBytes / 1024.0:F1} KiB)");
            output.WriteLine($"run {trial + 1}: initial snapshot proof (TSIS v1): prove {initialProve:F0} ms, verify {initialVerify:F0} ms, {initialBytes} bytes ({initialBytes / 1024.0:F1} KiB)");
        }

        // The part of the range proof the padding check adds: for each snapshot polynomial the eq, Pad and P tables and
        // the degree-3 zero-check sumcheck (best of five; the verifier's side is one sumcheck check and O(segments·v)).
        Goldilocks[][] tables = WeightCommitment.Evaluations(run.Snapshots[1]);
        double zeroCheck = double.MaxValue;
        for (int trial = 0; trial < 5; trial++)
        {
            var clock = Stopwatch.StartNew();
            var transcript = new Transcript("measurement");
            for (int g = 0; g < tables.Length; g++)
            {
                GoldilocksExt2[] r = transcript.Challenges<GoldilocksExt2>("r", run.Transcript.WeightVariables[g]);
                MultilinearPolynomial<GoldilocksExt2>[] factors =
                [
                    new(EqPolynomial.Table<GoldilocksExt2>(r)),
                    new(SnapshotPadding.Table<GoldilocksExt2>(config, g)),
                    new(tables[g].Select(GoldilocksExt2.FromBase).ToArray()),
                ];
                SumcheckProver.Prove(transcript, GoldilocksExt2.Zero, factors);
            }

            zeroCheck = Math.Min(zeroCheck, clock.Elapsed.TotalMilliseconds);
        }

        output.WriteLine($"of which the padding zero-checks (prover, best of 5): {zeroCheck:F0} ms");

        // Soundness of both from the formulas in the remarks: |E| = p², Ligero per opening from its parameters (the
        // weakest of the three opened polynomials), logUp over the 3 byte limbs of every entry, limb polynomial of v_L variables.
        int[] v = [.. run.Transcript.WeightVariables];
        double log2E = GoldilocksExt2.Log2Size;
        long lookups = 3L * v.Sum(x => 1L << x);
        LookupColumnSpec[] columns = v.SelectMany(x => Enumerable.Repeat(new LookupColumnSpec(x, 1, 0), 3)).ToArray();
        int leaves = LogUpLayout.Create(columns, 8).LogSize;
        int limbVariables = SegmentLayout.Create(columns.Select(c => c.LogSize).ToArray(), splitLargest: false).NumVariables.Single();
        double opening = Math.Pow(2, -v.Append(limbVariables).Min(x => run.Transcript.Parameters.SoundnessBits(x, log2E)));
        double logUp = lookups + 256 + (1.5 * leaves * leaves) + (2 * leaves);
        double field = (logUp + (5 * v.Sum()) + (2 * columns.Length) + (2 * limbVariables)) / Math.Pow(2, log2E);
        double rangeBits = -Math.Log2(field + (3 * opening)), initialBits = -Math.Log2((v.Sum() / Math.Pow(2, log2E)) + (2 * opening));

        // The verifiers' own figures (each opening under its own size) agree with this independent evaluation.
        Assert.Equal(rangeBits, SnapshotRangeArgument.SoundnessBits(run.Transcript), 0.01);
        Assert.Equal(initialBits, InitialSnapshotArgument.SoundnessBits(run.Transcript), 0.01);
        output.WriteLine($"soundness: range + padding {rangeBits:F2} bits (N = {lookups}, L = {leaves}, v_L = {limbVariables}); "
            + $"initial snapshot {initialBits:F2} bits; step {TrainingStepVerifier.SoundnessBits(run.Transcript):F2} bits");
    }
}
