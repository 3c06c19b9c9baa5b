using System.Globalization;

namespace Thestage.Models.Onnx.Tests;

/// <summary>The ONNX fixtures of tests/Vectors/onnx (made by make_fixtures.py with torch.onnx.export) and their data.</summary>
internal static class Fixtures
{
    /// <summary>The models, in the order of torch_outputs.csv.</summary>
    public static readonly string[] Models = ["mlp_relu_opset13", "mlp_square_opset9", "cnn_square_opset11", "cnn_maxpool_opset17", "mlp_matmul_opset21"];

    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Vectors", name);

    public static byte[] Bytes(string model) => File.ReadAllBytes(Path(model + ".onnx"));

    /// <summary>The 300 samples, 64 values each (1×8×8, C order).</summary>
    public static double[][] Samples { get; } = ReadCsv("samples.csv");

    public static int[] Labels { get; } = File.ReadAllLines(Path("labels.csv")).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Rows 200–299: not seen in training.</summary>
    public static double[][] Test => Samples[200..];

    /// <summary>Rows 0–99: calibration samples.</summary>
    public static double[][] Calibration => Samples[..100];

    /// <summary>PyTorch's outputs on the test rows, per model.</summary>
    public static double[][] TorchOutputs(string model)
    {
        double[][] all = ReadCsv("torch_outputs.csv");
        int index = Array.IndexOf(Models, model);
        return all[(index * 100)..((index + 1) * 100)];
    }

    private static double[][] ReadCsv(string name) =>
        File.ReadAllLines(Path(name)).Where(l => l.Length > 0).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
}
