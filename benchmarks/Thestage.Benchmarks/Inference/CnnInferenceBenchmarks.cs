using BenchmarkDotNet.Attributes;
using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Tensors;

namespace Thestage.Benchmarks.Inference;

/// <summary>
/// The encrypted-CNN anchor's network (TenSEAL's MNIST tutorial: conv 4 × 7×7 stride 3 → square → dense 256→64 →
/// square → dense 64→10) with random weights, planned by InferencePlanner (N = 8192, 128-bit). Latency: one image
/// per ciphertext (row-major); throughput: one image per slot (batch of 4096). Server time, as the anchor's "server
/// total", and the batch end to end (the client's encryption and decryption too, as the anchor's "end to end"); the
/// plain evaluation of the same model is the overhead baseline.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class CnnInferenceBenchmarks
{
    private Sequential _model = null!;
    private double[] _image = null!;
    private EncryptedModel _latencyServer = null!;
    private byte[] _latencyInput = null!;
    private EncryptedModel _batchServer = null!;
    private InferenceClient _batchClient = null!;
    private double[][] _batchImages = null!;
    private byte[] _batchInput = null!;
    private LinearTransform _conv = null!, _dense1 = null!, _dense2 = null!;
    private CkksVector _x0 = null!, _x1 = null!, _x2 = null!, _x3 = null!, _x4 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _model = InferenceWorkloads.Cnn(random);
        _image = InferenceWorkloads.Image(random);
        double[,,,] kernels = ((Conv2d)_model.Layers[0]).Kernels;

        InferencePlan latency = InferencePlanner.Plan(_model);
        var latencyClient = new InferenceClient(latency);
        _latencyServer = new EncryptedModel(_model, latency, EvaluationKeys.FromBytes(latencyClient.CreateEvaluationKeys().ToBytes()));
        _latencyInput = latencyClient.EncryptSample(_image);
        _latencyServer.Evaluate(_latencyInput); // encodes the diagonals once, as a served model would

        // Per layer: the in-order transforms (each output in its own slot) applied to the intermediate ciphertexts of one
        // image, at their levels, with Galois keys for their own steps.
        var context = new Thestage.Privacy.Ckks.CkksContext(latency.Parameters);
        var keygen = new Thestage.Privacy.Rlwe.KeyGenerator(context);
        var keyless = new TensorContext(context, latency.Scale);
        _conv = LinearTransform.Conv2d(keyless, 1, 28, 28, kernels, stride: 3);
        _dense1 = LinearTransform.FromMatrix(keyless, ((Dense)_model.Layers[3]).Weights);
        _dense2 = LinearTransform.FromMatrix(keyless, ((Dense)_model.Layers[5]).Weights);
        int[] steps = [.. _conv.RotationSteps.Union(_dense1.RotationSteps).Union(_dense2.RotationSteps)];
        var tensors = new TensorContext(context, latency.Scale, keygen.CreateRelinKeys(), keygen.CreateGaloisKeys(steps));
        var encryptor = new Thestage.Privacy.Rlwe.Encryptor(context, keygen.CreatePublicKey());
        _x0 = CkksVector.Encrypt(tensors, encryptor, _image);
        _x1 = _conv.Apply(_x0);
        _x2 = _x1.Square();
        _x3 = _dense1.Apply(_x2);
        _x4 = _x3.Square();
        _dense2.Apply(_x4);

        InferencePlan batch = InferencePlanner.Plan(_model, new PlannerOptions { Packing = TensorPacking.Batch });
        _batchClient = new InferenceClient(batch);
        _batchServer = new EncryptedModel(_model, batch, EvaluationKeys.FromBytes(_batchClient.CreateEvaluationKeys().ToBytes()));
        _batchImages = Enumerable.Range(0, batch.SamplesPerCiphertext).Select(_ => InferenceWorkloads.Image(random)).ToArray();
        _batchInput = _batchClient.EncryptBatch(_batchImages);
    }

    [Benchmark(Baseline = true, Description = "plain evaluation, one image")]
    public double[] Plain() => _model.Evaluate(_image);

    [Benchmark(Description = "layer: conv 1→4, 7×7, stride 3")]
    public CkksVector LayerConv() => _conv.Apply(_x0);

    [Benchmark(Description = "layer: square (256)")]
    public CkksVector LayerSquare1() => _x1.Square();

    [Benchmark(Description = "layer: dense 256→64")]
    public CkksVector LayerDense1() => _dense1.Apply(_x2);

    [Benchmark(Description = "layer: square (64)")]
    public CkksVector LayerSquare2() => _x3.Square();

    [Benchmark(Description = "layer: dense 64→10")]
    public CkksVector LayerDense2() => _dense2.Apply(_x4);

    [Benchmark(Description = "encrypted, one image (server)")]
    public byte[] EncryptedOneImage() => _latencyServer.Evaluate(_latencyInput);

    [Benchmark(Description = "encrypted, batch of 4096 images (server)")]
    public byte[] EncryptedBatch() => _batchServer.Evaluate(_batchInput);

    [Benchmark(Description = "encrypted, batch of 4096 images, end to end (client encrypt, server, client decrypt)")]
    public double[][] EncryptedBatchEndToEnd() => _batchClient.DecryptBatchOutput(_batchServer.Evaluate(_batchClient.EncryptBatch(_batchImages)));
}
