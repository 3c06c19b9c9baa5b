using Xunit.Abstractions;

namespace Thestage.Models.Onnx.Tests;

/// <summary>The fixtures of a real exporter, imported and evaluated in plain doubles, against ONNX Runtime and PyTorch.</summary>
public sealed class OnnxImportTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => [.. Fixtures.Models];

    /// <summary>
    /// The IR in doubles against ONNX Runtime on the same graph in float64 (weights unchanged; ONNX Runtime's CPU provider
    /// has no float64 Conv, so the CNNs are compared in float32 only): within 1e-10, only the order of summation differs.
    /// Against the float32 file as exported (ONNX Runtime and PyTorch) the difference is float32's rounding: within 1e-5 of
    /// the outputs' scale max(1, |y|) (measured: 2e-7 to 3e-7 of it).
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void Plain_evaluation_matches_onnx_runtime_within_1e_5(string name)
    {
        byte[] bytes = Fixtures.Bytes(name);
        Sequential model = OnnxImporter.Import(bytes);
        bool hasConv = model.Layers.Any(l => l.Kind == LayerKind.Conv2d);
        double[][]? exact = hasConv ? null : ReferenceRuntime.RunInDouble(bytes, Fixtures.Test, [1, 8, 8]);
        double[][] float32 = ReferenceRuntime.Run(bytes, Fixtures.Test, [1, 8, 8]);
        double[][] torch = Fixtures.TorchOutputs(name);
        double scale = Math.Max(1, float32.Max(r => r.Max(Math.Abs)));
        double worstExact = 0, worst32 = 0, worstTorch = 0;
        for (int s = 0; s < float32.Length; s++)
        {
            double[] x = Fixtures.Test[s].Select(v => (double)(float)v).ToArray();
            double[] y = model.Evaluate(x);
            Assert.Equal(float32[s].Length, y.Length);
            worstExact = Math.Max(worstExact, exact is null ? 0 : Distance(y, exact[s]));
            worst32 = Math.Max(worst32, Distance(y, float32[s]));
            worstTorch = Math.Max(worstTorch, Distance(y, torch[s]));
        }

        output.WriteLine($"{name}: max |IR − ORT float64| {(exact is null ? "n/a (no float64 Conv)" : worstExact.ToString("E2"))}, |IR − ORT float32| {worst32:E2}, |IR − PyTorch| {worstTorch:E2}, output scale {scale:G4}");
        Assert.True(worstExact <= 1e-10, $"{name}: max |IR − ONNX Runtime (float64)| = {worstExact:E2}");
        Assert.True(worst32 <= 1e-5 * scale, $"{name}: max |IR − ONNX Runtime (float32)| = {worst32:E2}, scale {scale:G3}");
        Assert.True(worstTorch <= 1e-5 * scale, $"{name}: max |IR − PyTorch (float32)| = {worstTorch:E2}, scale {scale:G3}");
    }

    private static double Distance(double[] a, double[] b) => a.Zip(b, (u, v) => Math.Abs(u - v)).Max();

    [Fact]
    public void The_layers_are_the_exported_networks()
    {
        Assert.Equal(
            [LayerKind.Flatten, LayerKind.Dense, LayerKind.Relu, LayerKind.Dense, LayerKind.Relu, LayerKind.Dense],
            OnnxImporter.Import(Fixtures.Bytes("mlp_relu_opset13")).Layers.Select(l => l.Kind));
        Assert.Equal(
            [LayerKind.Flatten, LayerKind.Dense, LayerKind.Square, LayerKind.Dense, LayerKind.Square, LayerKind.Dense],
            OnnxImporter.Import(Fixtures.Bytes("mlp_square_opset9")).Layers.Select(l => l.Kind));
        Assert.Equal(
            [LayerKind.Conv2d, LayerKind.Square, LayerKind.AvgPool2d, LayerKind.Conv2d, LayerKind.Square, LayerKind.Flatten, LayerKind.Dense],
            OnnxImporter.Import(Fixtures.Bytes("cnn_square_opset11")).Layers.Select(l => l.Kind));
        Assert.Equal(
            [LayerKind.Conv2d, LayerKind.Relu, LayerKind.MaxPool2d, LayerKind.Conv2d, LayerKind.Tanh, LayerKind.AvgPool2d, LayerKind.Flatten, LayerKind.Dense, LayerKind.Sigmoid],
            OnnxImporter.Import(Fixtures.Bytes("cnn_maxpool_opset17")).Layers.Select(l => l.Kind));
        Assert.Equal(
            [LayerKind.Flatten, LayerKind.Dense, LayerKind.Sigmoid, LayerKind.Dense],
            OnnxImporter.Import(Fixtures.Bytes("mlp_matmul_opset21")).Layers.Select(l => l.Kind));
        Sequential cnn = OnnxImporter.Import(Fixtures.Bytes("cnn_square_opset11"));
        Assert.Equal([1, 8, 8], cnn.InputShape);
        Assert.Equal([8, 2, 2], cnn.OutputShapeOf(3));
    }

    [Fact]
    public async Task A_stream_and_a_file_import_as_the_bytes_synchronously_and_asynchronously()
    {
        string path = Fixtures.Path("mlp_matmul_opset21.onnx");
        double[] x = Fixtures.Test[0];
        double[] expected = OnnxImporter.Import(File.ReadAllBytes(path)).Evaluate(x);
        Assert.Equal(expected, OnnxImporter.ImportFile(path).Evaluate(x));
        using FileStream stream = File.OpenRead(path);
        Assert.Equal(expected, OnnxImporter.Import(stream).Evaluate(x));
        Assert.Equal(expected, (await OnnxImporter.ImportFileAsync(path)).Evaluate(x));
        await using FileStream asyncStream = File.OpenRead(path);
        Assert.Equal(expected, (await OnnxImporter.ImportAsync(asyncStream)).Evaluate(x));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => OnnxImporter.ImportFileAsync(path, new CancellationToken(true)));
    }
}
