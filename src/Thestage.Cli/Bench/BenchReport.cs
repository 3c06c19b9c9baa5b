using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Thestage.Cli.Bench;

/// <summary>
/// Writes the report folder of a <c>thestage bench</c> run: <c>report.md</c> (where and how it was measured, one table
/// per suite, the charts), the PNG charts, and <c>results.json</c> (every figure, for scripts and later charts).
/// </summary>
internal static class BenchReport
{
    /// <summary>The Markdown report.</summary>
    public const string Markdown = "report.md";

    /// <summary>The figures as JSON.</summary>
    public const string Json = "results.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the charts, <c>report.md</c> and <c>results.json</c>; returns the result with the files listed.</summary>
    public static BenchResult Write(BenchResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        var text = new StringBuilder();
        Header(text, result);
        if (result.Ckks is { } ckks)
        {
            Ckks(text, ckks, result, directory, files);
        }

        if (result.Inference is { } inference)
        {
            Inference(text, inference, directory, files);
        }

        if (result.Proofs is { } proofs)
        {
            Proofs(text, result.ProofModels ?? [], proofs, directory, files);
        }

        if (result.Training is { } training)
        {
            Training(text, training, directory, files);
        }

        File.WriteAllText(Path.Combine(directory, Markdown), text.ToString());
        BenchResult written = result with { Files = [Markdown, .. files, Json] };
        File.WriteAllText(Path.Combine(directory, Json), JsonSerializer.Serialize(written, JsonOptions));
        return written;
    }

    private static void Header(StringBuilder text, BenchResult r)
    {
        BenchMachine m = r.Machine;
        text.Append(I($"# thestage bench, {r.Started:yyyy-MM-dd HH:mm} UTC\n\n"));
        text.Append("Every figure below was measured in this one run, on this machine:\n\n");
        text.Append(I($"- Machine: {m.Cpu}, {m.LogicalCores} logical cores, SIMD used: {m.Simd}{(m.VirtualMachine == true ? "; virtual machine" : "")}\n"));
        text.Append(I($"- Load average (1, 5, 15 min) before the run: {m.LoadBefore ?? "not available"}; after: {m.LoadAfter ?? "not available"}\n"));
        text.Append(I($"- Software: thestage {m.Version}, {m.Runtime}, {m.Os}; library threads (PrivacyRuntime.MaxDegreeOfParallelism): {Threads(m)}\n"));
        text.Append(I($"- Command: `{r.CommandLine}` ({r.Scale} set, {r.Seconds:F0} s)\n\n"));
        text.Append(I($"Method: each figure is measured in this process with `Stopwatch`: "));
        text.Append(r.Warmup == 0 ? "no warm-up" : I($"at least {r.Warmup} untimed call(s), repeated for at least {r.WarmupMs:F0} ms (so that the JIT's optimized code runs)"));
        text.Append(I($", then {r.Iterations} timed iteration(s)"));
        text.Append(r.IterationTargetMs > 0
            ? I($", each of as many calls as fill {r.IterationTargetMs:F0} ms (judged from the last warm-up call)")
            : ", each of one call");
        text.Append(", with a full blocking garbage collection before each iteration. A figure is the median (and the minimum) of the per-call times of its iterations. ");
        text.Append("On a loaded or shared machine the minimum is the steadier figure. The workloads are those of the BenchmarkDotNet suites (`benchmarks/Thestage.Benchmarks`), built by the same code.\n\n");
    }

    private static void Ckks(StringBuilder text, IReadOnlyList<CkksRow> rows, BenchResult result, string directory, List<string> files)
    {
        int[] degrees = rows.Select(r => r.N).Distinct().Order().ToArray();
        string[] operations = rows.Select(r => r.Operation).Distinct().ToArray();
        text.Append("## CKKS operations and key generation\n\n");
        text.Append("SEAL's default 128-bit coefficient moduli, operands at the first data level, scale 2^30 at N = 4096 and 2^40 above; ");
        text.Append("Multiply and Square without relinearization, RescaleToNext of a relinearized product, RotateVector by one step; ");
        text.Append("Add, AddPlain and Negate in place (as SEAL's `*_inplace` calls), the other operations returning a new ciphertext. Median (minimum), µs:\n\n");
        text.Append("| operation |").Append(string.Concat(degrees.Select(n => I($" N = {n} |")))).Append('\n');
        text.Append("|---|").Append(string.Concat(degrees.Select(_ => "---:|"))).Append('\n');
        foreach (string op in operations)
        {
            text.Append("| ").Append(op).Append(" |");
            foreach (int n in degrees)
            {
                CkksRow? row = rows.FirstOrDefault(r => r.N == n && r.Operation == op);
                text.Append(row is null ? " – |" : I($" {Us(row.Time.MedianMs)} ({Us(row.Time.MinMs)}) |"));
            }

            text.Append('\n');
        }

        Chart(text, files, directory, "ckks.png", "CKKS operations, median time", path => BenchCharts.Bars(path, "CKKS operations and key generation (median)", "µs per call (log scale)", operations,
            degrees.Select(n => ($"N = {n}", operations.Select(op => rows.FirstOrDefault(r => r.N == n && r.Operation == op)?.Time.MedianMs * 1000 ?? double.NaN).ToArray())).ToList(), logY: true));

        if (result.Seal is not { } seal)
        {
            text.Append("No SEAL figures were given (`--seal-results FILE`, the output of SEAL's benchmark program as `benchmarks/compare-seal.sh` runs it), so there is no comparison with SEAL in this report.\n\n");
            return;
        }

        text.Append("### Against Microsoft SEAL\n\n");
        text.Append(I($"SEAL's figures: `{Path.GetFileName(result.SealFile)}`, which records:\n\n"));
        foreach (string comment in result.SealComments ?? [])
        {
            text.Append("> ").Append(comment.Replace("|", "\\|", StringComparison.Ordinal)).Append('\n');
        }

        text.Append(I($"\nOurs are this run's (library threads: {Threads(result.Machine)}; SEAL is single-threaded). A ratio is meaningful only when SEAL's figures were measured on this machine, as close in time as possible (`benchmarks/compare-seal.sh` alternates the two). Ratio < 1: ours is faster.\n\n"));
        text.Append("| operation | N | ours median µs | SEAL median µs | **ours/SEAL median** | ours min µs | SEAL min µs | ours/SEAL min |\n");
        text.Append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (SealRow row in seal)
        {
            text.Append(I($"| {row.Operation} | {row.N} | {Us(row.OursMedianUs / 1000)} | {Us(row.SealMedianUs / 1000)} | **{row.MedianRatio:F2}** | {Us(row.OursMinUs / 1000)} | {Us(row.SealMinUs / 1000)} | {row.MinRatio:F2} |\n"));
        }

        if (seal.Count > 0)
        {
            double geometric = Math.Exp(seal.Average(r => Math.Log(r.MedianRatio)));
            text.Append(I($"\nGeometric mean of the median ratios: {geometric:F2}; {seal.Count(r => r.MedianRatio <= 1)} of {seal.Count} at or below 1.\n"));
            string[] sealOps = seal.Select(r => r.Operation).Distinct().ToArray();
            int[] sealDegrees = seal.Select(r => r.N).Distinct().Order().ToArray();
            Chart(text, files, directory, "ckks-vs-seal.png", "ours / SEAL", path => BenchCharts.Bars(path, "Ours / SEAL, median time per operation (below 1: ours faster)", "ratio (log scale)", sealOps,
                sealDegrees.Select(n => ($"N = {n}", sealOps.Select(op => seal.FirstOrDefault(r => r.N == n && r.Operation == op)?.MedianRatio ?? double.NaN).ToArray())).ToList(), logY: true, reference: 1));
        }
        else
        {
            text.Append("\nSEAL's file names none of the operations measured here.\n\n");
        }
    }

    private static void Inference(StringBuilder text, IReadOnlyList<InferenceRow> rows, string directory, List<string> files)
    {
        text.Append("## Private inference: plain against encrypted\n\n");
        text.Append("Each model planned by `InferencePlanner` (128-bit security); server time only. Latency: one image per ciphertext; throughput: one image per slot, a full batch per ciphertext. ");
        text.Append("Max error: the largest difference between the decrypted output of one image and the plain output.\n\n");
        text.Append("| model | parameters | N | Galois keys | plain, one image µs | encrypted, one image ms | × plain | batch | encrypted batch s | plain images/s | encrypted images/s | max error |\n");
        text.Append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (InferenceRow r in rows)
        {
            text.Append(I($"| {r.Model} | {r.Parameters:N0} | {r.N} | {r.GaloisKeys} | {Us(r.Plain.MedianMs)} ({Us(r.Plain.MinMs)}) | {Ms(r.Encrypted.MedianMs)} ({Ms(r.Encrypted.MinMs)}) | {r.LatencyOverhead:N0} | {r.BatchSize} | {r.Batch.MedianMs / 1000:F2} ({r.Batch.MinMs / 1000:F2}) | {r.PlainPerSecond:N0} | {r.EncryptedPerSecond:N0} | {r.MaxError:G2} |\n"));
        }

        double[] parameters = rows.Select(r => (double)r.Parameters).ToArray();
        Chart(text, files, directory, "inference-latency.png", "latency against model size", path => BenchCharts.Lines(path, "Inference latency against model size (median)", "parameters (log scale)", "ms per image (log scale)",
        [
            new("plain, one image", parameters, rows.Select(r => r.Plain.MedianMs).ToArray()),
            new("encrypted, one image per ciphertext (server)", parameters, rows.Select(r => r.Encrypted.MedianMs).ToArray()),
            new("encrypted, per image of a full batch (server)", parameters, rows.Select(r => r.Batch.MedianMs / r.BatchSize).ToArray()),
        ], logX: true, logY: true));
        Chart(text, files, directory, "inference-throughput.png", "throughput against model size", path => BenchCharts.Lines(path, "Inference throughput against model size (median)", "parameters (log scale)", "images per second (log scale)",
        [
            new("plain, one image at a time", parameters, rows.Select(r => r.PlainPerSecond).ToArray()),
            new("encrypted, one image per slot (server)", parameters, rows.Select(r => r.EncryptedPerSecond).ToArray()),
        ], logX: true, logY: true));
    }

    private static void Proofs(StringBuilder text, IReadOnlyList<ProofModelRow> models, IReadOnlyList<ProofRow> rows, string directory, List<string> files)
    {
        text.Append("## Proofs of inference\n\n");
        text.Append("Each model quantized and committed once (Ligero commitment of the weights and the int8 range proof):\n\n");
        text.Append("| model | parameters | commit ms | commitment bytes |\n|---|---:|---:|---:|\n");
        foreach (ProofModelRow m in models)
        {
            text.Append(I($"| {m.Model} | {m.Parameters:N0} | {Ms(m.Commit.MedianMs)} ({Ms(m.Commit.MinMs)}) | {m.CommitmentBytes:N0} |\n"));
        }

        text.Append("\nOne proof per batch (prove: witness, its commitment and the protocol, to bytes; verify: from bytes, against the public inputs and outputs). Median (minimum):\n\n");
        text.Append("| model | parameters | batch | prove ms | proof KiB | verify ms | soundness bits |\n|---|---:|---:|---:|---:|---:|---:|\n");
        foreach (ProofRow r in rows)
        {
            text.Append(I($"| {r.Model} | {r.Parameters:N0} | {r.Batch} | {Ms(r.Prove.MedianMs)} ({Ms(r.Prove.MinMs)}) | {r.ProofBytes / 1024.0:F1} | {Ms(r.Verify.MedianMs)} ({Ms(r.Verify.MinMs)}) | {r.SoundnessBits:F1} |\n"));
        }

        var byModel = rows.GroupBy(r => r.Model).ToList();
        BenchCharts.Series Line(IGrouping<string, ProofRow> g, Func<ProofRow, double> y) =>
            new(I($"{g.Key}, {g.First().Parameters:N0} parameters"), g.Select(r => (double)r.Batch).ToArray(), g.Select(y).ToArray());
        bool logBatch = rows.Select(r => r.Batch).Distinct().Count() > 1;
        Chart(text, files, directory, "proofs-prove.png", "proving time against batch and model", path => BenchCharts.Lines(path, "Proof of inference: proving time (median)", "images per proof", "ms (log scale)",
            byModel.Select(g => Line(g, r => r.Prove.MedianMs)).ToList(), logX: logBatch, logY: true));
        Chart(text, files, directory, "proofs-size.png", "proof size against batch and model", path => BenchCharts.Lines(path, "Proof of inference: proof size", "images per proof", "KiB",
            byModel.Select(g => Line(g, r => r.ProofBytes / 1024.0)).ToList(), logX: logBatch, logY: false));
        Chart(text, files, directory, "proofs-verify.png", "verification time against batch and model", path => BenchCharts.Lines(path, "Proof of inference: verification time (median)", "images per proof", "ms (log scale)",
            byModel.Select(g => Line(g, r => r.Verify.MedianMs)).ToList(), logX: logBatch, logY: true));
    }

    private static void Training(StringBuilder text, IReadOnlyList<TrainingRow> rows, string directory, List<string> files)
    {
        text.Append("## Proofs of training: cost per SGD step\n\n");
        text.Append("The 784-h-10 ReLU MLP of the training benchmarks (f = 16, W = 24, V = 28, learning rate 2^−5), a recorded 2-step run, the proof of step 1 and the range proof of its snapshot ");
        text.Append("(every-step mode proves both for every step; sampled mode the step proofs of the sampled steps). Median (minimum), ms:\n\n");
        text.Append("| width | batch | record 2 steps | prove step | step proof KiB | verify step | prove range | range proof KiB | verify range | **proving per step** | **KiB per step** |\n");
        text.Append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (TrainingRow r in rows)
        {
            text.Append(I($"| {r.Width} | {r.Batch} | {Ms(r.Record.MedianMs)} ({Ms(r.Record.MinMs)}) | {Ms(r.ProveStep.MedianMs)} ({Ms(r.ProveStep.MinMs)}) | {r.StepProofBytes / 1024.0:F1} | {Ms(r.VerifyStep.MedianMs)} ({Ms(r.VerifyStep.MinMs)}) | "));
            text.Append(I($"{Ms(r.ProveRange.MedianMs)} ({Ms(r.ProveRange.MinMs)}) | {r.RangeProofBytes / 1024.0:F1} | {Ms(r.VerifyRange.MedianMs)} ({Ms(r.VerifyRange.MinMs)}) | **{Ms(r.ProvePerStepMs)}** | **{r.BytesPerStep / 1024.0:F1}** |\n"));
        }

        var byBatch = rows.GroupBy(r => r.Batch).ToList();
        BenchCharts.Series Line(IGrouping<int, TrainingRow> g, Func<TrainingRow, double> y) =>
            new(I($"batch {g.Key}"), g.Select(r => (double)r.Width).ToArray(), g.Select(y).ToArray());
        bool logWidth = rows.Select(r => r.Width).Distinct().Count() > 1;
        Chart(text, files, directory, "training-prove.png", "proving time per step against width and batch", path => BenchCharts.Lines(path, "Proof of training: proving time per step, step + range proof (median)", "hidden width", "ms (log scale)",
            byBatch.Select(g => Line(g, r => r.ProvePerStepMs)).ToList(), logX: logWidth, logY: true));
        Chart(text, files, directory, "training-size.png", "proof size per step against width and batch", path => BenchCharts.Lines(path, "Proof of training: proof bytes per step, step + range proof", "hidden width", "KiB",
            byBatch.Select(g => Line(g, r => r.BytesPerStep / 1024.0)).ToList(), logX: logWidth, logY: false));
        Chart(text, files, directory, "training-verify.png", "verification time per step against width and batch", path => BenchCharts.Lines(path, "Proof of training: verification time per step, step + range proof (median)", "hidden width", "ms (log scale)",
            byBatch.Select(g => Line(g, r => r.VerifyStep.MedianMs + r.VerifyRange.MedianMs)).ToList(), logX: logWidth, logY: true));
    }

    private static void Chart(StringBuilder text, List<string> files, string directory, string name, string alt, Action<string> draw)
    {
        draw(Path.Combine(directory, name));
        files.Add(name);
        text.Append("\n![").Append(alt).Append("](").Append(name).Append(")\n\n");
    }

    private static string Threads(BenchMachine m) => m.Threads == -1 ? I($"no limit ({m.LogicalCores} cores)") : I($"{m.Threads}");

    // µs from ms, and ms, with about three significant digits.
    private static string Us(double ms) => Ms(ms * 1000);

    private static string Ms(double value) =>
        value.ToString(value >= 100 ? "N0" : value >= 10 ? "F1" : value >= 1 ? "F2" : "F3", CultureInfo.InvariantCulture);

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
