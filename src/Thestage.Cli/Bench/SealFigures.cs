using System.Globalization;

namespace Thestage.Cli.Bench;

/// <summary>Our figure beside SEAL's for one operation.</summary>
/// <param name="N">The ring dimension.</param>
/// <param name="Operation">The operation, SEAL's name.</param>
/// <param name="OursMedianUs">Our median, µs (this run).</param>
/// <param name="SealMedianUs">SEAL's median, µs (the median of the medians in the file).</param>
/// <param name="OursMinUs">Our minimum, µs.</param>
/// <param name="SealMinUs">SEAL's minimum, µs (the minimum of the minima in the file).</param>
internal sealed record SealRow(int N, string Operation, double OursMedianUs, double SealMedianUs, double OursMinUs, double SealMinUs)
{
    /// <summary>Gets ours / SEAL by the medians (below 1: we are faster).</summary>
    public double MedianRatio => OursMedianUs / SealMedianUs;

    /// <summary>Gets ours / SEAL by the minima.</summary>
    public double MinRatio => OursMinUs / SealMinUs;
}

/// <summary>
/// The figures of SEAL's benchmark program (<c>../shared/anchors/seal-bench/seal_bench.cpp</c>, as
/// <c>benchmarks/compare-seal.sh</c> runs it): lines <c>name TAB median_µs TAB min_µs</c>, comment lines starting with
/// <c>#</c> (SEAL's version, the machine, the date). A name given several times (several runs in one file) counts as
/// <c>benchmarks/compare-seal.sh</c> counts rounds: the median of the medians, the minimum of the minima.
/// </summary>
internal sealed class SealFigures
{
    private const int MaxLines = 100_000;

    private const long MaxBytes = 16 << 20;

    private readonly Dictionary<string, (double Median, double Min)> _figures;

    private SealFigures(Dictionary<string, (double Median, double Min)> figures, List<string> comments)
    {
        _figures = figures;
        Comments = comments;
    }

    /// <summary>Gets the comment lines of the file, without their <c>#</c>: what it says about where and how SEAL ran.</summary>
    public IReadOnlyList<string> Comments { get; }

    /// <summary>Reads a file of SEAL's figures.</summary>
    /// <exception cref="InvalidDataException">A line is neither a comment nor three tab-separated fields with positive times, the file has no figure, or it is larger than 16 MiB.</exception>
    public static SealFigures Read(string path)
    {
        var medians = new Dictionary<string, List<(double Median, double Min)>>(StringComparer.Ordinal);
        var comments = new List<string>();
        if (new FileInfo(path).Length > MaxBytes)
        {
            throw new InvalidDataException($"{path}: larger than {MaxBytes >> 20} MiB; not a file of SEAL's benchmark figures");
        }

        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            if (++number > MaxLines)
            {
                throw new InvalidDataException($"{path}: more than {MaxLines} lines; not a file of SEAL's benchmark figures");
            }

            if (line.StartsWith('#'))
            {
                comments.Add(line[1..].Trim());
                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            string[] f = line.Split('\t');
            if (f.Length != 3 || f[0].Length == 0 || !Time(f[1], out double median) || !Time(f[2], out double min))
            {
                throw new InvalidDataException($"{path}, line {number}: expected 'name<TAB>median_us<TAB>min_us' with positive times (the output of seal_bench)");
            }

            if (!medians.TryGetValue(f[0], out var list))
            {
                medians[f[0]] = list = [];
            }

            list.Add((median, min));
        }

        if (medians.Count == 0)
        {
            throw new InvalidDataException($"{path}: no figures (expected lines 'name<TAB>median_us<TAB>min_us', the output of seal_bench)");
        }

        return new SealFigures(medians.ToDictionary(p => p.Key, p => (BenchClock.Median(p.Value.Select(v => v.Median)), p.Value.Min(v => v.Min)), StringComparer.Ordinal), comments);
    }

    /// <summary>Pairs our CKKS figures with SEAL's of the same name; operations SEAL's file lacks are left out.</summary>
    public List<SealRow> Compare(IEnumerable<CkksRow> ours) =>
        ours.Where(r => _figures.ContainsKey(r.SealName))
            .Select(r => new SealRow(r.N, r.Operation, r.Time.MedianMs * 1000, _figures[r.SealName].Median, r.Time.MinMs * 1000, _figures[r.SealName].Min))
            .ToList();

    private static bool Time(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value) && value > 0;
}
