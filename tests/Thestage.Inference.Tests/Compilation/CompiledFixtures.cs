using Thestage.Inference.Compilation;
using Thestage.Inference.Planning;
using Thestage.Models;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Tests.Compilation;

/// <summary>The ONNX fixtures compiled once for the tests of this folder (calibrated on rows 0–99 of samples.csv).</summary>
public sealed class CompiledFixtures
{
    private readonly Dictionary<string, Lazy<ModelPackage>> _packages;

    public CompiledFixtures()
    {
        // Batch packing: one evaluation serves all calibration (and test) samples, so the encrypted check uses all 100.
        var batch = new CompileOptions { Planner = new PlannerOptions { Packing = TensorPacking.Batch }, EncryptedCheckSamples = 100 };
        var rowMajor = new CompileOptions { EncryptedCheckSamples = 4 };
        _packages = new()
        {
            ["mlp_square_opset9"] = new(() => ModelCompiler.Compile(OnnxFixtures.Import("mlp_square_opset9"), OnnxFixtures.Calibration, batch)),
            ["cnn_square_opset11"] = new(() => ModelCompiler.Compile(OnnxFixtures.Import("cnn_square_opset11"), OnnxFixtures.Calibration, batch)),
            ["mlp_relu_opset13"] = new(() => ModelCompiler.Compile(OnnxFixtures.Import("mlp_relu_opset13"), OnnxFixtures.Calibration, batch)),
            ["mlp_matmul_opset21"] = new(() => ModelCompiler.Compile(OnnxFixtures.Import("mlp_matmul_opset21"), OnnxFixtures.Calibration, rowMajor)),
        };
    }

    public ModelPackage this[string name] => _packages[name].Value;
}
