using System.Buffers;
using System.Numerics;
using Thestage.Inference.Model;
using Thestage.Inference.Planning;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Runtime;

/// <summary>
/// The model owner's side: evaluates a model on encrypted inputs with an <see cref="EvaluationKeys"/> bundle only.
/// It has no way to reach a secret key; its inputs and outputs are messages (bytes) or encrypted tensors.
/// </summary>
/// <remarks>
/// Row-major plans run each linear layer as a <see cref="LinearTransform"/> (encoded once, here) plus a plain bias,
/// activations as polynomials, flattening for free. Batch plans run linear layers as per-slot scalar products
/// (<see cref="CkksTensor.MatMul"/>), one sample per slot. Everything an evaluation needs from the client — the
/// parameters, and a Galois key for every rotation step of every layer — is checked when the model is constructed,
/// so a bundle that lacks a key is refused before any evaluation starts. Every output leaves flooded
/// (<see cref="OutputFlooding"/>; <see cref="OutputFlooding.ForPlan"/> unless the constructor is told otherwise).
/// </remarks>
public sealed class EncryptedModel
{
    private readonly TensorContext _tensors;
    private readonly EncryptedLayer[] _layers;
    private readonly Encryptor _encryptor;

    /// <summary>Prepares <paramref name="model"/> for encrypted evaluation under <paramref name="plan"/>, with the default
    /// flooding of its outputs (<see cref="OutputFlooding.ForPlan"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="plan">Its plan.</param>
    /// <param name="keys">The client's evaluation keys.</param>
    /// <exception cref="ArgumentException">The keys' parameters are not the plan's, the keys lack the Galois key of a
    /// rotation step the evaluation uses, or the plan is not the model's.</exception>
    /// <exception cref="NotSupportedException">The model has an exact <see cref="Relu"/> (no plan can be made for it).</exception>
    public EncryptedModel(Sequential model, InferencePlan plan, EvaluationKeys keys)
        : this(model, plan, keys, OutputFlooding.ForPlan(plan ?? throw new ArgumentNullException(nameof(plan))))
    {
    }

    /// <summary>Prepares <paramref name="model"/> for encrypted evaluation under <paramref name="plan"/>, flooding its outputs as <paramref name="flooding"/> says.</summary>
    /// <param name="model">The model.</param>
    /// <param name="plan">Its plan.</param>
    /// <param name="keys">The client's evaluation keys.</param>
    /// <param name="flooding">The flooding of outputs (<see cref="OutputFlooding.None"/> to send them as computed).</param>
    /// <exception cref="ArgumentException">The keys' parameters are not the plan's, the keys lack the Galois key of a
    /// rotation step the evaluation uses, or the plan is not the model's.</exception>
    /// <exception cref="NotSupportedException">The model has an exact <see cref="Relu"/> (no plan can be made for it).</exception>
    public EncryptedModel(Sequential model, InferencePlan plan, EvaluationKeys keys, OutputFlooding flooding)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(flooding);
        if (!keys.Context.Parameters.CoeffModulus.SequenceEqual(plan.Parameters.CoeffModulus) || keys.Context.PolyModulusDegree != plan.Parameters.PolyModulusDegree)
        {
            throw new ArgumentException("The evaluation keys were made for other parameters than the plan's.", nameof(keys));
        }

        if (Layer.Product(model.InputShape) != plan.InputLength || Layer.Product(model.OutputShape) != plan.OutputLength || model.Depth != plan.Depth)
        {
            throw new ArgumentException("The plan was made for another model.", nameof(plan));
        }

        Plan = plan;
        Flooding = flooding;
        _tensors = new TensorContext(keys.Context, plan.Scale, keys.RelinKeys, keys.GaloisKeys);
        _encryptor = new Encryptor(keys.Context, keys.PublicKey);
        _layers = new EncryptedLayer[model.Layers.Count];
        var steps = new SortedSet<int>(plan.RotationSteps);
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i] = EncryptedLayer.Compile(model, i, _tensors, plan.Packing);
            steps.UnionWith(_layers[i].RotationSteps);
        }

        RequireGaloisKeys(keys, steps);
    }

    /// <summary>The plan.</summary>
    public InferencePlan Plan { get; }

    /// <summary>The flooding of outputs.</summary>
    public OutputFlooding Flooding { get; }

    /// <summary>Evaluates an encrypted message from <see cref="InferenceClient"/> and returns the encrypted answer.</summary>
    /// <param name="message">The client's message.</param>
    /// <exception cref="CkksFormatException">The message is malformed or does not match the plan (its values, packing, or a
    /// level and scale other than a fresh encryption's at the plan's scale).</exception>
    public byte[] Evaluate(ReadOnlySpan<byte> message) => Evaluate(message, null, CancellationToken.None);

    /// <summary>
    /// Evaluates an encrypted message from <see cref="InferenceClient"/> and returns the encrypted answer, reporting each
    /// layer as it completes (then the output flooding) and stopping between layers when cancelled.
    /// </summary>
    /// <param name="message">The client's message.</param>
    /// <param name="progress">Told after every layer and after the flooding; null for no reports.</param>
    /// <param name="cancellationToken">Checked before the first layer and after every step.</param>
    /// <exception cref="CkksFormatException">The message is malformed or does not match the plan (its values, packing, or a
    /// level and scale other than a fresh encryption's at the plan's scale).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the evaluation stopped at a step boundary.</exception>
    public byte[] Evaluate(ReadOnlySpan<byte> message, IProgress<StepProgress>? progress, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Plan.Packing == TensorPacking.RowMajor)
        {
            CkksVector vector = EncryptedMessage.ReadVector(_tensors, message, Plan.InputLength);
            RequireFresh(vector.Level, vector.Scale, text => new CkksFormatException(text));
            return EncryptedMessage.Write(Run(vector, progress, cancellationToken));
        }

        CkksTensor batch = EncryptedMessage.ReadBatch(_tensors, message, Plan.InputLength, Plan.SamplesPerCiphertext);
        RequireFresh(batch.Ciphertexts[0].Level, batch.Ciphertexts[0].Scale, text => new CkksFormatException(text));
        return EncryptedMessage.Write(RunBatch(batch, progress, cancellationToken));
    }

    /// <summary>Evaluates one encrypted sample (row-major plan).</summary>
    /// <param name="input">The sample, <see cref="InferencePlan.InputLength"/> values, encrypted under the evaluation keys' parameters.</param>
    /// <exception cref="ArgumentException">The input has another length, another level or scale than a fresh encryption's at
    /// the plan's scale, or belongs to another CKKS context.</exception>
    /// <exception cref="InvalidOperationException">The plan uses batch packing (call <see cref="EvaluateBatch(CkksTensor)"/>).</exception>
    public CkksVector Evaluate(CkksVector input) => Evaluate(input, null, CancellationToken.None);

    /// <summary>Evaluates one encrypted sample (row-major plan), reporting each layer as it completes (then the output
    /// flooding) and stopping between layers when cancelled.</summary>
    /// <param name="input">The sample, <see cref="InferencePlan.InputLength"/> values, encrypted under the evaluation keys' parameters.</param>
    /// <param name="progress">Told after every layer and after the flooding; null for no reports.</param>
    /// <param name="cancellationToken">Checked before the first layer and after every step.</param>
    /// <exception cref="ArgumentException">The input has another length, another level or scale than a fresh encryption's at
    /// the plan's scale, or belongs to another CKKS context.</exception>
    /// <exception cref="InvalidOperationException">The plan uses batch packing (call <see cref="EvaluateBatch(CkksTensor)"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the evaluation stopped at a step boundary.</exception>
    public CkksVector Evaluate(CkksVector input, IProgress<StepProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequirePacking(TensorPacking.RowMajor, nameof(EvaluateBatch));
        if (input.Length != Plan.InputLength)
        {
            throw new ArgumentException($"The plan takes {Plan.InputLength} values; the vector has {input.Length}.", nameof(input));
        }

        RequireFresh(input.Level, input.Scale, text => new ArgumentException(text, nameof(input)));
        cancellationToken.ThrowIfCancellationRequested();
        return Run(ReferenceEquals(input.TensorContext, _tensors) ? input : CkksVector.FromCiphertexts(_tensors, input.Length, Own(input.TensorContext, input.Ciphertexts)), progress, cancellationToken);
    }

    /// <summary>Evaluates a batch-packed tensor [samples, <see cref="InferencePlan.InputLength"/>] (batch plan).</summary>
    /// <param name="input">The batch, 1 to <see cref="InferencePlan.SamplesPerCiphertext"/> samples, encrypted under the evaluation keys' parameters.</param>
    /// <exception cref="ArgumentException">The input is not a batch tensor of the plan's shape, has another level or scale than
    /// a fresh encryption's at the plan's scale, or belongs to another CKKS context.</exception>
    /// <exception cref="InvalidOperationException">The plan uses row-major packing (call <see cref="Evaluate(CkksVector)"/>).</exception>
    public CkksTensor EvaluateBatch(CkksTensor input) => EvaluateBatch(input, null, CancellationToken.None);

    /// <summary>Evaluates a batch-packed tensor [samples, <see cref="InferencePlan.InputLength"/>] (batch plan), reporting
    /// each layer as it completes (then the output flooding) and stopping between layers when cancelled.</summary>
    /// <param name="input">The batch, 1 to <see cref="InferencePlan.SamplesPerCiphertext"/> samples, encrypted under the evaluation keys' parameters.</param>
    /// <param name="progress">Told after every layer and after the flooding; null for no reports.</param>
    /// <param name="cancellationToken">Checked before the first layer and after every step.</param>
    /// <exception cref="ArgumentException">The input is not a batch tensor of the plan's shape, has another level or scale than
    /// a fresh encryption's at the plan's scale, or belongs to another CKKS context.</exception>
    /// <exception cref="InvalidOperationException">The plan uses row-major packing (call <see cref="Evaluate(CkksVector)"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the evaluation stopped at a step boundary.</exception>
    public CkksTensor EvaluateBatch(CkksTensor input, IProgress<StepProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequirePacking(TensorPacking.Batch, nameof(Evaluate));
        if (input.Packing != TensorPacking.Batch || input.Shape.Count != 2 || input.Shape[1] != Plan.InputLength || input.Shape[0] > Plan.SamplesPerCiphertext)
        {
            throw new ArgumentException($"The plan takes a Batch tensor [1…{Plan.SamplesPerCiphertext}, {Plan.InputLength}]; got a {input.Packing} tensor of shape [{string.Join(", ", input.Shape)}].", nameof(input));
        }

        RequireFresh(input.Ciphertexts[0].Level, input.Ciphertexts[0].Scale, text => new ArgumentException(text, nameof(input)));
        cancellationToken.ThrowIfCancellationRequested();
        return RunBatch(
            ReferenceEquals(input.TensorContext, _tensors) ? input : CkksTensor.FromCiphertexts(_tensors, [.. input.Shape], TensorPacking.Batch, Own(input.TensorContext, input.Ciphertexts)),
            progress,
            cancellationToken);
    }

    // The steps of an evaluation: one per layer, then the flooding when it is on.
    private int StepCount => _layers.Length + (Flooding.IsEnabled ? 1 : 0);

    private CkksVector Run(CkksVector x, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            x = _layers[i].Apply(x);
            Completed(i, progress, cancellationToken);
        }

        if (!Flooding.IsEnabled)
        {
            return x;
        }

        x = CkksVector.FromCiphertexts(_tensors, x.Length, Flood(x.Ciphertexts));
        progress?.Report(new StepProgress(StepCount, StepCount, "output flooding"));
        return x;
    }

    private CkksTensor RunBatch(CkksTensor x, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        int samples = x.Shape[0];
        for (int i = 0; i < _layers.Length; i++)
        {
            x = _layers[i].Apply(x);
            Completed(i, progress, cancellationToken);
        }

        x = x.Reshape([samples, Plan.OutputLength]);
        if (!Flooding.IsEnabled)
        {
            return x;
        }

        x = CkksTensor.FromCiphertexts(_tensors, [samples, Plan.OutputLength], TensorPacking.Batch, Flood(x.Ciphertexts));
        progress?.Report(new StepProgress(StepCount, StepCount, "output flooding"));
        return x;
    }

    // After layer i: report it, then stop here if cancelled (not after the last step: the result is complete).
    private void Completed(int i, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(new StepProgress(i + 1, StepCount, _layers[i].Name));
        if (i + 1 < StepCount)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    // c + Enc_pk(z) for each output ciphertext c, with z Gaussian of standard deviation τ in every slot component: the
    // flood hides c's noise and the fresh encryption replaces c's c₁ (see OutputFlooding). New ciphertexts: an output
    // can be the caller's input (a model of flattening only).
    private Ciphertext[] Flood(IReadOnlyList<Ciphertext> outputs)
    {
        var flooded = new Ciphertext[outputs.Count];
        Complex[] noise = ArrayPool<Complex>.Shared.Rent(_tensors.SlotCount);
        try
        {
            Span<Complex> z = noise.AsSpan(0, _tensors.SlotCount);
            for (int i = 0; i < flooded.Length; i++)
            {
                Ciphertext c = outputs[i];
                GaussianNoise.Fill(z, Flooding.StandardDeviation);
                Ciphertext f = _encryptor.Encrypt(_tensors.Encoder.Encode(z, c.Scale, c.Level));
                flooded[i] = _tensors.Evaluator.Add(c, f);
            }
        }
        finally
        {
            GaussianNoise.Clear(noise);
            ArrayPool<Complex>.Shared.Return(noise);
        }

        return flooded;
    }

    // The input's ciphertexts, to be evaluated with this model's keys: they must be of the keys' CKKS context.
    private IReadOnlyList<Privacy.Rlwe.Ciphertext> Own(TensorContext context, IReadOnlyList<Privacy.Rlwe.Ciphertext> ciphertexts)
        => ReferenceEquals(context.Context, _tensors.Context)
            ? ciphertexts
            : throw new ArgumentException("The input belongs to another CKKS context than the evaluation keys'; load it with the model's messages (Evaluate(bytes)) instead.", "input");

    // The input must be what InferenceClient sends: fresh encryptions at the top level and the plan's scale. The flood is
    // sized in output units at the planned scale, while the noise of rescaling is of fixed size in coefficients: a request
    // at scale Δ/2^k leaves the output at about Δ/2^(k·2^squarings), where that noise is 2^(k·2^squarings) times larger in
    // output units and the flood no longer hides it (at Δ/4 the demo's CNN answered with its own noise, 3.9e-2, under a
    // flood of 2.2e-2). A lower level would end the evaluation halfway (DepthExhaustedException), a smaller scale in an
    // encoder error at the flooding.
    private void RequireFresh(int level, double scale, Func<string, Exception> error)
    {
        int top = _tensors.Context.MaxLevel;
        if (level != top || scale != Plan.Scale)
        {
            throw error($"The input is at level {level} and scale {scale:G6}; the plan takes fresh encryptions at level {top} and scale 2^{Plan.ScaleBits} " +
                "(another scale would shrink the output flooding relative to the model's noise).");
        }
    }

    private void RequirePacking(TensorPacking packing, string other)
    {
        if (Plan.Packing != packing)
        {
            throw new InvalidOperationException($"The plan uses {Plan.Packing} packing; call {other}.");
        }
    }

    private static void RequireGaloisKeys(EvaluationKeys keys, IReadOnlyCollection<int> steps)
    {
        int[] missing = steps.Where(s => !keys.GaloisKeys.HasStep(s)).ToArray();
        if (missing.Length > 0)
        {
            string listed = string.Join(", ", missing.Take(8)) + (missing.Length > 8 ? ", …" : string.Empty);
            throw new ArgumentException(
                $"The evaluation keys lack the Galois keys of {missing.Length} of the {steps.Count} rotation steps the evaluation uses ({listed}); " +
                "create the bundle with InferenceClient.CreateEvaluationKeys for this plan.", nameof(keys));
        }
    }
}
