using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using Thestage.Privacy;

namespace Thestage.Cli.Bench;

/// <summary>
/// <c>thestage bench [--suite ckks|inference|proofs|training|all]… [--quick|--full] [--out DIR] [--seal-results FILE]</c>:
/// measures the chosen suites in this process (<see cref="BenchClock"/>) and writes a report folder — <c>report.md</c>
/// with the tables and PNG charts, and <c>results.json</c> (<see cref="BenchReport"/>).
/// </summary>
internal static class BenchVerb
{
    /// <summary>The suites, in the order they run and appear in the report.</summary>
    public static readonly string[] SuiteNames = ["ckks", "inference", "proofs", "training"];

    private const string SuiteChoices = "ckks, inference, proofs, training or all";

    /// <summary>The verb, its options and its action.</summary>
    public static Command Command()
    {
        var suites = new Option<string[]>("--suite")
        {
            Description = $"The suites to run: {SuiteChoices}; repeat the option or separate names with commas (default: all)",
            HelpName = "name",
            Arity = ArgumentArity.OneOrMore,
            CustomParser = ParseSuites,
        };
        suites.CompletionSources.Add([.. SuiteNames, "all"]);
        Option<bool> quick = CliOptions.Flag("--quick", "The smaller workloads of each suite; per figure, warm-up calls for at least 250 ms, then 3 iterations of at least 20 ms: a few minutes (the default)");
        Option<bool> full = CliOptions.Flag("--full", "Every workload size; per figure, warm-up calls for at least 1 s, then 10 iterations of at least 100 ms: tens of minutes");
        Option<bool> smoke = CliOptions.Flag("--smoke", "The smallest workload of each suite, one call each (for tests)");
        smoke.Hidden = true;
        Option<string?> output = CliOptions.OutputDirectory("--out", "The report folder (created): report.md, the PNG charts, results.json (default: thestage-bench-<UTC time> here)");
        Option<string> seal = CliOptions.InputFile("--seal-results", "SEAL's figures from this machine: the output of SEAL's benchmark program as benchmarks/compare-seal.sh runs it (lines name<TAB>median_us<TAB>min_us); adds the ours/SEAL table and chart");
        seal.Required = false;
        Option<int> iterations = CliOptions.Count("--iterations", "Timed iterations per figure (default 3 quick, 10 full)", 1, 1000, 3);
        Option<int> warmup = CliOptions.Count("--warmup", "Untimed calls before a figure's iterations, at least (default 1 quick, 2 full; 0: no warm-up)", 0, 100, 1);
        Option<int> threads = CliOptions.Count("--threads", "Threads of the CKKS library (PrivacyRuntime.MaxDegreeOfParallelism; default: no limit). SEAL is single-threaded: 1 compares like with like", 1, 1024, 1);
        // Their defaults depend on --quick/--full (and --threads has none: the library's): only a value given counts.
        iterations.DefaultValueFactory = null;
        warmup.DefaultValueFactory = null;
        threads.DefaultValueFactory = null;
        var command = new Command("bench", "Measures the crypto overhead — CKKS operations (against SEAL's figures when given), plain against encrypted inference, proofs of inference and of training — and writes a report folder with tables and charts.")
        {
            suites, quick, full, smoke, output, seal, iterations, warmup, threads,
        };
        command.Validators.Add(r =>
        {
            int chosen = (r.GetValue(quick) ? 1 : 0) + (r.GetValue(full) ? 1 : 0) + (r.GetValue(smoke) ? 1 : 0);
            if (chosen > 1)
            {
                r.AddError("--quick and --full exclude each other");
            }
        });
        command.SetAction((result, token) => Program.Run(result, terminal =>
        {
            BenchScale scale = result.GetValue(full) ? BenchScale.Full : result.GetValue(smoke) ? BenchScale.Smoke : BenchScale.Quick;
            int? Given(Option<int> option) => result.GetResult(option) is { Implicit: false } ? result.GetValue(option) : null;
            scale = scale with { Iterations = Given(iterations) ?? scale.Iterations, Warmup = Given(warmup) ?? scale.Warmup };
            if (Given(threads) is int n)
            {
                PrivacyRuntime.MaxDegreeOfParallelism = n;
            }

            string commandLine = "thestage " + string.Join(' ', result.Tokens.Select(t => t.Value.Contains(' ', StringComparison.Ordinal) ? $"'{t.Value}'" : t.Value));
            return Run(result.GetValue(suites) is { Length: > 0 } chosen ? chosen : SuiteNames, scale, result.GetValue(output), result.GetValue(seal), commandLine, terminal, token);
        }));
        return command;
    }

    private static int Run(string[] suites, BenchScale scale, string? output, string? sealPath, string commandLine, Terminal terminal, CancellationToken cancellationToken)
    {
        // Read SEAL's figures first: a bad file is known before minutes of measuring.
        SealFigures? sealFigures = sealPath is null ? null : SealFigures.Read(sealPath);
        DateTimeOffset started = DateTimeOffset.UtcNow;
        string directory = output ?? $"thestage-bench-{started:yyyyMMdd-HHmmss}";
        BenchMachine machine = BenchMachine.Describe();
        var clock = new BenchClock(scale.Warmup, scale.WarmupTime, scale.Iterations, scale.IterationTarget, cancellationToken);
        var watch = Stopwatch.StartNew();
        terminal.Line($"thestage bench ({scale.Name}): {string.Join(", ", suites)}; {machine.Cpu}, load average {machine.LoadBefore ?? "not available"}");

        List<CkksRow>? ckks = null;
        List<InferenceRow>? inference = null;
        List<ProofModelRow>? proofModels = null;
        List<ProofRow>? proofs = null;
        List<TrainingRow>? training = null;
        if (suites.Contains("ckks"))
        {
            ckks = Suite(terminal, "CKKS operations", scale.CkksDegrees.Length * CkksSuite.OperationsPerDegree, progress => CkksSuite.Run(scale, clock, progress));
        }

        if (suites.Contains("inference"))
        {
            var models = InferenceSuite.Models(scale);
            inference = Suite(terminal, "plain and encrypted inference", models.Count * 5, progress => models.Select(m => InferenceSuite.Run(m.Name, m.Model, clock, progress)).ToList());
        }

        if (suites.Contains("proofs"))
        {
            var models = ProofSuite.Models(scale);
            var measured = Suite(terminal, "proofs of inference", models.Count * (1 + (2 * scale.ProofBatches.Length)), progress => models.Select(m => ProofSuite.Run(m.Name, m.Model, scale, clock, progress)).ToList());
            proofModels = measured.Select(m => m.Model).ToList();
            proofs = measured.SelectMany(m => m.Proofs).ToList();
        }

        if (suites.Contains("training"))
        {
            var shapes = scale.TrainingWidths.SelectMany(w => scale.TrainingBatches.Select(b => (Width: w, Batch: b))).ToList();
            training = Suite(terminal, "proofs of training", shapes.Count * 5, progress => shapes.Select(s => TrainingSuite.Run(s.Width, s.Batch, clock, progress)).ToList());
        }

        var result = new BenchResult
        {
            Out = directory,
            CommandLine = commandLine,
            Started = started,
            Seconds = watch.Elapsed.TotalSeconds,
            Machine = machine with { LoadAfter = BenchMachine.LoadAverage() },
            Scale = scale.Name,
            Warmup = scale.Warmup,
            WarmupMs = scale.WarmupTime.TotalMilliseconds,
            Iterations = scale.Iterations,
            IterationTargetMs = scale.IterationTarget.TotalMilliseconds,
            Suites = SuiteNames.Where(suites.Contains).ToList(),
            Ckks = ckks,
            SealFile = sealPath,
            SealComments = sealFigures?.Comments,
            Seal = ckks is null ? null : sealFigures?.Compare(ckks),
            Inference = inference,
            ProofModels = proofModels,
            Proofs = proofs,
            Training = training,
        };
        result = BenchReport.Write(result, directory);
        Summarize(result, terminal);
        terminal.Line($"wrote {Path.Combine(directory, BenchReport.Markdown)} ({result.Files.Count(f => f.EndsWith(".png", StringComparison.Ordinal))} charts) and {Path.Combine(directory, BenchReport.Json)}");
        terminal.Result(result);
        return 0;
    }

    // One suite with a progress bar: each progress report is one unit done and names what runs next.
    private static T Suite<T>(Terminal terminal, string name, int units, Func<Action<string>, T> run) =>
        terminal.Step(name, units, step =>
        {
            int done = -1;
            return run(description => step.Done(Math.Max(++done, 0), $"{name}: {description}"));
        });

    private static void Summarize(BenchResult r, Terminal terminal)
    {
        static string F(double value) => value.ToString(value >= 100 ? "N0" : "F2", CultureInfo.InvariantCulture);
        if (r.Ckks is { } ckks)
        {
            terminal.Table("CKKS (median µs)", ["operation", "N", "median µs", "min µs", .. r.Seal is null ? Array.Empty<string>() : ["ours/SEAL"]],
                ckks.Select(c => (string[])[c.Operation, c.N.ToString(CultureInfo.InvariantCulture), F(c.Time.MedianMs * 1000), F(c.Time.MinMs * 1000),
                    .. r.Seal is null ? Array.Empty<string>() : [r.Seal.FirstOrDefault(s => s.N == c.N && s.Operation == c.Operation)?.MedianRatio.ToString("F2", CultureInfo.InvariantCulture) ?? "–"]]));
        }

        if (r.Inference is { } inference)
        {
            terminal.Table("Inference (median)", ["model", "parameters", "plain µs", "encrypted ms", "plain images/s", "encrypted images/s"],
                inference.Select(i => new[] { i.Model, i.Parameters.ToString("N0", CultureInfo.InvariantCulture), F(i.Plain.MedianMs * 1000), F(i.Encrypted.MedianMs), F(i.PlainPerSecond), F(i.EncryptedPerSecond) }));
        }

        if (r.Proofs is { } proofs)
        {
            terminal.Table("Proofs of inference (median)", ["model", "batch", "prove ms", "proof KiB", "verify ms"],
                proofs.Select(p => new[] { p.Model, p.Batch.ToString(CultureInfo.InvariantCulture), F(p.Prove.MedianMs), F(p.ProofBytes / 1024.0), F(p.Verify.MedianMs) }));
        }

        if (r.Training is { } training)
        {
            terminal.Table("Proofs of training, per step (median)", ["width", "batch", "prove ms", "KiB", "verify ms"],
                training.Select(t => new[] { t.Width.ToString(CultureInfo.InvariantCulture), t.Batch.ToString(CultureInfo.InvariantCulture), F(t.ProvePerStepMs), F(t.BytesPerStep / 1024.0), F(t.VerifyStep.MedianMs + t.VerifyRange.MedianMs) }));
        }
    }

    // --suite values: names from SuiteChoices, repeated or comma-separated; the result in run order, each once.
    private static string[] ParseSuites(ArgumentResult r)
    {
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Token token in r.Tokens)
        {
            if (token.Value.StartsWith("--", StringComparison.Ordinal))
            {
                r.AddError("--suite" + Program.NeedsAValue);
                return [];
            }

            foreach (string name in token.Value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (name == "all")
                {
                    chosen.UnionWith(SuiteNames);
                }
                else if (SuiteNames.Contains(name))
                {
                    chosen.Add(name);
                }
                else
                {
                    r.AddError($"--suite takes {SuiteChoices}; got '{name}'");
                    return [];
                }
            }
        }

        return SuiteNames.Where(chosen.Contains).ToArray();
    }
}
