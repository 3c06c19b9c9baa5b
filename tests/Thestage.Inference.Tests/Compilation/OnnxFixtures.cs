using System.Globalization;
using Thestage.Models;
using Thestage.Models.Onnx;

namespace Thestage.Inference.Tests.Compilation;

/// <summary>The ONNX fixtures of tests/Vectors/onnx (torch.onnx.export; see make_fixtures.py) and their samples.</summary>
internal static class OnnxFixtures
{
    private static readonly Lazy<double[][]> AllSamples = new(() =>
        File.ReadAllLines(Path("samples.csv")).Where(l => l.Length > 0).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray());

    /// <summary>Rows 0–99 of samples.csv: calibration.</summary>
    public static double[][] Calibration => AllSamples.Value[..100];

    /// <summary>Rows 200–299: test samples, not seen in training.</summary>
    public static double[][] Test => AllSamples.Value[200..];

    public static Sequential Import(string name) => OnnxImporter.ImportFile(Path(name + ".onnx"));

    private static string Path(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "Vectors", file);
}
