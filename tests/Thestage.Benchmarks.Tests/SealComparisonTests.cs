namespace Thestage.Benchmarks.Tests;

/// <summary>
/// The ratio table of <c>benchmarks/compare-seal.sh</c> from a synthetic run: SEAL's TSV names mapped to our
/// benchmarks (in-place Add and Square for SEAL's Add and Square, the allocating call marked beside them, NTT shapes, key generation, the workload), the median of per-round medians,
/// the minimum of minima, and the per-round range.
/// </summary>
public sealed class SealComparisonTests
{
    [Fact]
    public void Report_maps_seal_figures_to_our_benchmarks_and_aggregates_rounds()
    {
        string work = Directory.CreateTempSubdirectory("seal-report-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(work, "environment.md"), "# test run\n");
            WriteSeal(work, 1, ("ntt.8192.43.forward", 90, 88), ("ckks.8192.Add", 60, 50), ("ckks.8192.Square", 100, 90), ("ckks.8192.RescaleToNext", 200, 190));
            WriteSeal(work, 2, ("ntt.8192.43.forward", 100, 80), ("ckks.8192.Add", 40, 35), ("ckks.8192.Square", 100, 90), ("ckks.8192.RescaleToNext", 200, 190));
            WriteOurs(work, 1, ("NttBenchmarks", "Forward", "Shape=8192/43", 45_000, 40_000), ("CkksBenchmarks", "AddInplace", "N=8192", 30_000, 20_000),
                ("CkksBenchmarks", "SquareInplace", "N=8192", 30_000, 29_000), ("CkksBenchmarks", "Square", "N=8192", 150_000, 140_000), ("CkksBenchmarks", "RescaleToNext", "N=8192", 100_000, 90_000));
            WriteOurs(work, 2, ("NttBenchmarks", "Forward", "Shape=8192/43", 25_000, 22_000), ("CkksBenchmarks", "AddInplace", "N=8192", 10_000, 9_000),
                ("CkksBenchmarks", "SquareInplace", "N=8192", 30_000, 29_000), ("CkksBenchmarks", "Square", "N=8192", 150_000, 140_000), ("CkksBenchmarks", "RescaleToNext", "N=8192", 100_000, 90_000));
            string output = Path.Combine(work, "table.md");

            Assert.Equal(0, Program.Main(["seal-report", work, output]));

            string[] lines = File.ReadAllLines(output);
            // NTT: SEAL median of medians (90 + 100)/2 = 95, min 80; ours (45 + 25)/2 = 35 µs, min 22; rounds 0.50 and 0.25.
            Assert.Contains("| Forward | 8192/43 | 35.0 | 95.0 | **0.37** | 0.25–0.50 | 22.0 | 80.0 | 0.28 |", lines);
            // SEAL's Add is an in-place call: compared with our AddInplace, not with Add.
            Assert.Contains("| Add | 8192 | 20.0 | 50.0 | **0.40** | 0.25–0.50 | 9.0 | 35.0 | 0.26 |", lines);
            Assert.Contains(lines, l => l.StartsWith("Not measured on one side in this run: Add 8192", StringComparison.Ordinal));
            // SEAL's square_inplace against our SquareInplace; our allocating Square beside it, marked; RescaleToNext has no in-place row.
            Assert.Contains("| Square | 8192 | 30.0 | 100 | **0.30** | 0.30–0.30 | 29.0 | 90.0 | 0.32 |", lines);
            Assert.Contains("| Square (ours returns a new ciphertext) | 8192 | 150 | 100 | **1.50** | 1.50–1.50 | 140 | 90.0 | 1.56 |", lines);
            Assert.Contains("| RescaleToNext | 8192 | 100 | 200 | **0.50** | 0.50–0.50 | 90.0 | 190 | 0.47 |", lines);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void WriteSeal(string work, int round, params (string Name, double Median, double Min)[] figures)
        => File.WriteAllLines(
            Path.Combine(work, $"seal-single-{round}.tsv"),
            ["# SEAL 4.4.3, single thread, times in microseconds", .. figures.Select(f => $"{f.Name}\t{f.Median:F1}\t{f.Min:F1}")]);

    // The fields of BenchmarkDotNet's full JSON export the report reads; times in nanoseconds.
    private static void WriteOurs(string work, int round, params (string Type, string Method, string Parameters, double Median, double Min)[] figures)
    {
        string results = Path.Combine(work, $"ours-single-{round}", "results");
        Directory.CreateDirectory(results);
        string benchmarks = string.Join(",", figures.Select(f =>
            $$$"""{"Type":"{{{f.Type}}}","Method":"{{{f.Method}}}","Parameters":"{{{f.Parameters}}}","Statistics":{"Median":{{{f.Median}}},"Min":{{{f.Min}}}}}"""));
        File.WriteAllText(Path.Combine(results, "report-full-compressed.json"), $$"""{"Benchmarks":[{{benchmarks}}]}""");
    }
}
