using System.Globalization;
using System.Text;
using static Thestage.Benchmarks.SealComparison;

namespace Thestage.Benchmarks;

/// <summary>
/// Writes the table of <c>benchmarks/compare-commits.sh</c>: the same BenchmarkDotNet benchmarks at two commits, run
/// alternately on one machine, as after/before ratios (median of per-round medians, minimum of minima).
/// </summary>
internal static class CommitComparison
{
    public static int Run(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Thestage.Benchmarks commit-report <work directory> <output .md>");
            return 2;
        }

        string work = args[0], output = args[1];
        List<Dictionary<Key, Figure>> Rounds(string side) => Directory.GetDirectories(work, side + "-*").Order(StringComparer.Ordinal)
            .Select(d => ReadOurs(Path.Combine(d, "results"))).ToList();
        var before = Rounds("before");
        var after = Rounds("after");
        var text = new StringBuilder(File.ReadAllText(Path.Combine(work, "environment.md")).TrimEnd()).Append("\n\n");
        text.Append("| benchmark | params | before median µs | after median µs | **after/before median** | per round | before min µs | after min µs | after/before min |\n");
        text.Append("|---|---|---:|---:|---:|---|---:|---:|---:|\n");
        foreach (Key key in before.SelectMany(r => r.Keys).Distinct().OrderBy(k => k.Type, StringComparer.Ordinal).ThenBy(k => k.Parameters, StringComparer.Ordinal).ThenBy(k => k.Method, StringComparer.Ordinal))
        {
            var b = before.Select(r => r.GetValueOrDefault(key)).ToList();
            var a = after.Select(r => r.GetValueOrDefault(key)).ToList();
            if (b.All(f => f is null) || a.All(f => f is null))
            {
                continue;
            }

            double bMedian = Median(b.OfType<Figure>().Select(f => f.Median)), aMedian = Median(a.OfType<Figure>().Select(f => f.Median));
            double bMin = b.OfType<Figure>().Min(f => f.Min), aMin = a.OfType<Figure>().Min(f => f.Min);
            double[] perRound = b.Zip(a).Where(p => p.First is not null && p.Second is not null).Select(p => p.Second!.Median / p.First!.Median).ToArray();
            string range = perRound.Length == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{perRound.Min():F2}–{perRound.Max():F2}");
            text.Append(CultureInfo.InvariantCulture, $"| {key.Type}.{key.Method} | {key.Parameters} | {F(bMedian)} | {F(aMedian)} | **{aMedian / bMedian:F2}** | {range} | {F(bMin)} | {F(aMin)} | {aMin / bMin:F2} |\n");
        }

        File.WriteAllText(output, text.ToString());
        Console.WriteLine($"wrote {output}");
        return 0;
    }
}
