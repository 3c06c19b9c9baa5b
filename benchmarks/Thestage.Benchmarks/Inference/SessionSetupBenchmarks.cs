using BenchmarkDotNet.Attributes;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Models;

namespace Thestage.Benchmarks.Inference;

/// <summary>
/// What a server spends per client session before and after the key-independent <see cref="PreparedModel"/>: the
/// encrypted-CNN anchor's network (conv 4 × 7×7 stride 3 → square → dense 256→64 → square → dense 64→10, N = 8192,
/// row-major), one session plus its first image. Before: every session compiles the model and computes and encodes the
/// plaintext diagonals of its linear layers (<see cref="EncryptedModel(Sequential, InferencePlan, EvaluationKeys)"/>).
/// After: they were encoded once when the model was prepared; a session only adds its keys.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class SessionSetupBenchmarks
{
    private Sequential _model = null!;
    private InferencePlan _plan = null!;
    private PreparedModel _prepared = null!;
    private EvaluationKeys _ownKeys = null!, _sharedKeys = null!;
    private byte[] _input = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        double[] Values(int n, double scale) => [.. Enumerable.Range(0, n).Select(_ => (random.NextDouble() - 0.5) * scale)];
        _model = new Sequential([1, 28, 28],
        [
            Conv2d.FromFlatKernels(1, 4, 7, 7, 3, 0, Values(196, 0.3), [0.1, 0, -0.1, 0.05]), Activation.Square(), new Flatten(),
            Dense.FromOutputMajor(256, 64, Values(256 * 64, 0.2), new double[64]), Activation.Square(), Dense.FromOutputMajor(64, 10, Values(640, 0.4), new double[10]),
        ]);
        _plan = InferencePlanner.Plan(_model);
        var client = new InferenceClient(_plan);
        byte[] keys = client.CreateEvaluationKeys().ToBytes();
        _ownKeys = EvaluationKeys.FromBytes(keys);
        _prepared = PreparedModel.Create(_model, _plan);
        _sharedKeys = _prepared.LoadEvaluationKeys(keys);
        _input = client.EncryptSample(Values(784, 2));
    }

    /// <summary>Before: the session prepares the model itself.</summary>
    [Benchmark(Baseline = true)]
    public byte[] SessionPreparingTheModel() => new EncryptedModel(_model, _plan, _ownKeys).Evaluate(_input);

    /// <summary>After: the session uses the model prepared once.</summary>
    [Benchmark]
    public byte[] SessionOnThePreparedModel() => new EncryptedModel(_prepared, _sharedKeys).Evaluate(_input);

    /// <summary>The one-time preparation itself.</summary>
    [Benchmark]
    public PreparedModel PrepareOnce() => PreparedModel.Create(_model, _plan);
}
