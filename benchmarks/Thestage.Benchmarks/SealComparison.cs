using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Thestage.Benchmarks;

/// <summary>
/// Writes the ratio table of <c>benchmarks/compare-seal.sh</c>: our BenchmarkDotNet figures against the figures of
/// SEAL's benchmark program (<c>../shared/anchors/seal-bench/seal_bench.cpp</c>) from the same run, per operation and
/// parameter set, single-threaded and with both cores.
/// </summary>
/// <remarks>
/// <para>Input: a work directory holding, for every mode m ∈ {single, both} and round r, SEAL's TSV output
/// <c>seal-m-r.tsv</c> (<c>name, median µs, min µs</c> per line) and BenchmarkDotNet's JSON exports under
/// <c>ours-m-r/results/</c>, plus <c>environment.md</c> (machine, load, versions, command), copied verbatim.</para>
/// <para>Aggregation, the same on both sides: the median figure is the median over rounds of each round's median
/// (SEAL: of single calls; ours: of BenchmarkDotNet iterations, each the mean of many calls); the minimum is the
/// minimum over rounds of each round's minimum. The ratio column "rounds" gives the smallest and largest per-round
/// median ratio, so the noise of a loaded machine is visible beside the figure.</para>
/// </remarks>
internal static class SealComparison
{
    internal sealed record Key(string Type, string Method, string Parameters);

    private sealed record Row(string Section, string Operation, string Parameters, string SealName, Key Ours, string? Note);

    internal sealed record Figure(double Median, double Min);

    public static int Run(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Thestage.Benchmarks seal-report <work directory> <output .md>");
            return 2;
        }

        string work = args[0], output = args[1];
        var text = new StringBuilder();
        text.Append(File.ReadAllText(Path.Combine(work, "environment.md")).TrimEnd()).Append("\n\n");
        foreach ((string mode, string title) in new[]
        {
            ("single", "Single-threaded: SEAL and ours pinned to core 0 (`taskset -c 0`), ours with `PrivacyRuntime.MaxDegreeOfParallelism = 1`"),
            ("both", "Both cores: SEAL unpinned (it is single-threaded), ours unpinned with the default parallelism"),
        })
        {
            string[] sealFiles = Directory.GetFiles(work, $"seal-{mode}-*.tsv").Order(StringComparer.Ordinal).ToArray();
            if (sealFiles.Length == 0)
            {
                continue;
            }

            var seal = sealFiles.Select(ReadSeal).ToList();
            var ours = sealFiles.Select(f => ReadOurs(Path.Combine(work, Path.GetFileNameWithoutExtension(f).Replace("seal-", "ours-", StringComparison.Ordinal), "results"))).ToList();
            text.Append("## ").Append(title).Append("\n\n");
            AppendTable(text, Rows(seal[0].Keys), seal, ours);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, text.ToString());
        Console.WriteLine($"wrote {output}");
        return 0;
    }

    private static void AppendTable(StringBuilder text, List<Row> rows, List<Dictionary<string, Figure>> seal, List<Dictionary<Key, Figure>> ours)
    {
        var ratios = new Dictionary<string, List<double>>();
        var missing = new List<string>();
        string? section = null;
        foreach (Row row in rows)
        {
            var sealRounds = seal.Select(s => s.GetValueOrDefault(row.SealName)).ToList();
            var ourRounds = ours.Select(o => o.GetValueOrDefault(row.Ours)).ToList();
            if (sealRounds.All(f => f is null) || ourRounds.All(f => f is null))
            {
                missing.Add($"{row.Ours.Method} {row.Parameters}");
                continue;
            }

            if (row.Section != section)
            {
                text.Append(section is null ? "" : "\n");
                section = row.Section;
                text.Append("| ").Append(section).Append(" | params | ours median µs | SEAL median µs | **ours/SEAL median** | per round | ours min µs | SEAL min µs | ours/SEAL min |\n");
                text.Append("|---|---|---:|---:|---:|---|---:|---:|---:|\n");
            }

            double sealMedian = Median(sealRounds.OfType<Figure>().Select(f => f.Median)), sealMin = sealRounds.OfType<Figure>().Min(f => f.Min);
            double ourMedian = Median(ourRounds.OfType<Figure>().Select(f => f.Median)), ourMin = ourRounds.OfType<Figure>().Min(f => f.Min);
            double[] perRound = sealRounds.Zip(ourRounds).Where(p => p.First is not null && p.Second is not null).Select(p => p.Second!.Median / p.First!.Median).ToArray();
            double ratio = ourMedian / sealMedian;
            if (row.Note is null)
            {
                ratios.TryAdd(row.Section, []);
                ratios[row.Section].Add(ratio);
            }

            text.Append(CultureInfo.InvariantCulture, $"| {row.Operation}{(row.Note is null ? "" : $" ({row.Note})")} | {row.Parameters} | {F(ourMedian)} | {F(sealMedian)} | **{ratio:F2}** | {(perRound.Length == 0 ? "–" : $"{perRound.Min():F2}–{perRound.Max():F2}")} | {F(ourMin)} | {F(sealMin)} | {ourMin / sealMin:F2} |\n");
        }

        text.Append('\n');
        if (missing.Count > 0)
        {
            text.Append("Not measured on one side in this run: ").Append(string.Join(", ", missing)).Append(".\n\n");
        }

        foreach ((string name, List<double> r) in ratios)
        {
            double geometric = Math.Exp(r.Average(Math.Log));
            text.Append(CultureInfo.InvariantCulture, $"- {name}: geometric mean of the median ratios {geometric:F2}; {r.Count(x => x <= 1.0)} of {r.Count} at or below 1.0, largest {r.Max():F2}.\n");
        }

        text.Append('\n');
    }

    // SEAL's figure names (seal_bench.cpp) and the benchmark measuring the same operation with the same semantics.
    private static List<Row> Rows(IEnumerable<string> sealNames)
    {
        var rows = new List<Row>();
        foreach (string name in sealNames)
        {
            string[] p = name.Split('.');
            switch (p[0])
            {
                case "ntt":
                    string method = p[3] switch { "forward" => "Forward", "inverse" => "Inverse", "forward_lazy" => "ForwardLazy", _ => "InverseLazy" };
                    rows.Add(new("NTT, one prime, in place", method, $"{p[1]}/{p[2]}", name, new("NttBenchmarks", method, $"Shape={p[1]}/{p[2]}"), null));
                    break;
                case "keygen":
                    string keyMethod = p[2] == "GaloisKey1" ? "OneGaloisKey" : p[2];
                    rows.Add(new("key generation", keyMethod, p[1], name, new("KeyGenerationBenchmarks", keyMethod, $"N={p[1]}"), null));
                    break;
                case "ckks":
                    // SEAL's *_inplace calls against ours in place (see CkksBenchmarks), our allocating call beside them.
                    bool inPlace = p[2] is "Add" or "AddPlain" or "Negate" or "MultiplyPlain" or "Multiply" or "Square" or "Relinearize" or "RotateVector";
                    rows.Add(new("CKKS operation", p[2], p[1], name, new("CkksBenchmarks", inPlace ? p[2] + "Inplace" : p[2], $"N={p[1]}"), null));
                    if (inPlace)
                    {
                        rows.Add(new("CKKS operation", p[2], p[1], name, new("CkksBenchmarks", p[2], $"N={p[1]}"), "ours returns a new ciphertext"));
                    }

                    break;
                case "workload" when p[1] == "server_total":
                    rows.Add(new("anchor workload (8192, {60,40,40,60})", "server part", "8192", name, new("WorkloadBenchmarks", "ServerPart", ""), null));
                    break;
                case "workload" when p[1] == "client_encode_encrypt":
                    rows.Add(new("anchor workload (8192, {60,40,40,60})", "client encode + encrypt", "8192", name, new("WorkloadBenchmarks", "ClientEncodeEncrypt", ""), null));
                    break;
            }
        }

        string[] order = ["NTT, one prime, in place", "CKKS operation", "key generation", "anchor workload (8192, {60,40,40,60})"];
        return rows.OrderBy(r => Array.IndexOf(order, r.Section)).ToList();
    }

    private static Dictionary<string, Figure> ReadSeal(string path)
    {
        var figures = new Dictionary<string, Figure>();
        foreach (string line in File.ReadLines(path))
        {
            string[] f = line.Split('\t');
            if (line.StartsWith('#') || f.Length != 3)
            {
                continue;
            }

            figures[f[0]] = new(double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture));
        }

        return figures;
    }

    internal static Dictionary<Key, Figure> ReadOurs(string directory)
    {
        var figures = new Dictionary<Key, Figure>();
        if (!Directory.Exists(directory))
        {
            return figures;
        }

        foreach (string file in Directory.GetFiles(directory, "*.json"))
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (JsonElement b in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                if (!b.TryGetProperty("Statistics", out JsonElement s) || s.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                // BenchmarkDotNet reports nanoseconds per operation; parameters as "Name=value" joined by '&'.
                var key = new Key(b.GetProperty("Type").GetString()!, b.GetProperty("Method").GetString()!, b.GetProperty("Parameters").GetString() ?? "");
                figures[key] = new(s.GetProperty("Median").GetDouble() / 1000, s.GetProperty("Min").GetDouble() / 1000);
            }
        }

        return figures;
    }

    internal static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    internal static string F(double microseconds) => microseconds.ToString(microseconds >= 100 ? "N0" : "F1", CultureInfo.InvariantCulture);
}
