using System.Buffers;
using System.Numerics;
using Thestage.Inference.Planning;
using Thestage.Models;
using Thestage.Privacy.Ckks;
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
public sealed partial class EncryptedModel
{
    private readonly TensorContext _tensors;
    private readonly IReadOnlyList<EncryptedLayer> _layers;
    private readonly Encryptor _encryptor;

    /// <summary>Prepares <paramref name="model"/> for encrypted evaluation under <paramref name="plan"/>, with the default
    /// flooding of its outputs (<see cref="OutputFlooding.ForPlan"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="plan">Its plan.</param>
    /// <param name="keys">The client's evaluation keys.</param>
    /// <exception cref="ArgumentException">The keys' parameters are not the plan's, the keys lack the Galois key of a
    /// rotation step the evaluation uses, or the plan is not the model's.</exception>
    /// <exception cref="NotSupportedException">The model has a layer without CKKS evaluation (an exact activation, a max pooling: no plan can be made for it).</exception>
    /// <remarks>This prepares the model for this client alone; a server with many clients prepares it once
    /// (<see cref="PreparedModel"/>) and uses <see cref="EncryptedModel(PreparedModel, EvaluationKeys)"/>.</remarks>
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
    /// <exception cref="NotSupportedException">The model has a layer without CKKS evaluation (an exact activation, a max pooling: no plan can be made for it).</exception>
    public EncryptedModel(Sequential model, InferencePlan plan, EvaluationKeys keys, OutputFlooding flooding)
        : this(PreparedModel.Create(model, plan, RequireParameters(keys, plan)), keys, flooding)
    {
    }

    /// <summary>A client session on a prepared model, with the default flooding of its outputs (<see cref="OutputFlooding.ForPlan"/>).</summary>
    /// <param name="prepared">The model prepared once (<see cref="PreparedModel.Create(Sequential, InferencePlan, SecurityLevel)"/>).</param>
    /// <param name="keys">The client's evaluation keys, loaded with <see cref="PreparedModel.LoadEvaluationKeys"/>.</param>
    /// <exception cref="ArgumentException">The keys were not loaded into the prepared model's context, or lack the Galois key of a rotation step the evaluation uses.</exception>
    public EncryptedModel(PreparedModel prepared, EvaluationKeys keys)
        : this(prepared, keys, OutputFlooding.ForPlan((prepared ?? throw new ArgumentNullException(nameof(prepared))).Plan))
    {
    }

    /// <summary>A client session on a prepared model, flooding its outputs as <paramref name="flooding"/> says.</summary>
    /// <param name="prepared">The model prepared once.</param>
    /// <param name="keys">The client's evaluation keys, loaded with <see cref="PreparedModel.LoadEvaluationKeys"/>.</param>
    /// <param name="flooding">The flooding of outputs.</param>
    /// <exception cref="ArgumentException">The keys were not loaded into the prepared model's context, or lack the Galois key of a rotation step the evaluation uses.</exception>
    public EncryptedModel(PreparedModel prepared, EvaluationKeys keys, OutputFlooding flooding)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(flooding);
        if (!ReferenceEquals(keys.Context, prepared.Context))
        {
            throw new ArgumentException("The evaluation keys belong to another CKKS context than the prepared model's; load them with PreparedModel.LoadEvaluationKeys.", nameof(keys));
        }

        Plan = prepared.Plan;
        Flooding = flooding;
        _tensors = new TensorContext(keys.Context, Plan.Scale, keys.RelinKeys, keys.GaloisKeys);
        _encryptor = new Encryptor(keys.Context, keys.PublicKey);
        _layers = prepared.Layers;
        RequireGaloisKeys(keys, prepared.RotationSteps);
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
        if (Plan.Packing == TensorPacking.Batch && _layers.Count > 0 && _layers[0].ApplyToMessage(_tensors, message, CheckBatchMessage) is { } first)
        {
            // The first layer read the batch a block of ciphertexts at a time (784 inputs at N = 8192 are 616 MB at once).
            Completed(0, progress, cancellationToken);
            return EncryptedMessage.Write(RunBatch(first, 1, progress, cancellationToken));
        }

        return RunMessage(ReadMessage(message), progress, cancellationToken);
    }

    // What ReadMessage checks of a batch, seen before the first layer's products on it begin.
    private void CheckBatchMessage(IReadOnlyList<int> shape, TensorPacking packing, int level, double scale)
    {
        EncryptedMessage.CheckBatch(shape, packing, Plan.InputLength, Plan.SamplesPerCiphertext);
        RequireFresh(level, scale, text => new CkksFormatException(text));
    }

    /// <summary>
    /// Evaluates an encrypted request from <see cref="InferenceClient.EncryptRequest"/> (format "TSRQ", bound to the plan by
    /// its fingerprint) and returns the encrypted response ("TSRS"), one output per sample.
    /// </summary>
    /// <param name="request">The request's bytes.</param>
    /// <exception cref="Privacy.Serialization.CkksFormatException">The request is malformed, made for another plan, or its
    /// messages do not hold the samples it announces.</exception>
    public byte[] EvaluateRequest(ReadOnlySpan<byte> request) => EvaluateRequest(request, null, CancellationToken.None);

    /// <summary>
    /// Evaluates an encrypted request ("TSRQ") and returns the encrypted response ("TSRS"), reporting each layer of each
    /// message as it completes and stopping between layers when cancelled (a server bounds an evaluation's time this way).
    /// </summary>
    /// <param name="request">The request's bytes.</param>
    /// <param name="progress">Told after every layer (and the flooding) of every message; null for no reports.</param>
    /// <param name="cancellationToken">Checked before each message and between its layers.</param>
    /// <exception cref="Privacy.Serialization.CkksFormatException">The request is malformed, made for another plan, or its
    /// messages do not hold the samples it announces.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; no response was made.</exception>
    public byte[] EvaluateRequest(ReadOnlySpan<byte> request, IProgress<StepProgress>? progress, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        (int samples, object[] inputs) = ReadRequest(request);
        var outputs = new byte[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            outputs[i] = RunMessage(inputs[i], progress, cancellationToken);
        }

        return Artifacts.MessageBundle.Write(Artifacts.MessageBundle.ResponseMagic, Plan.Fingerprint, samples, outputs);
    }

    /// <summary>Reads and validates a request: the envelope, then every message as a vector or batch of the plan.</summary>
    internal (int Samples, object[] Inputs) ReadRequest(ReadOnlySpan<byte> request)
    {
        (int samples, byte[][] messages) = Artifacts.MessageBundle.Read(request, Artifacts.MessageBundle.RequestMagic, "request (TSRQ)", Plan.Fingerprint);
        var inputs = new object[messages.Length];
        int seen = 0;
        for (int i = 0; i < messages.Length; i++)
        {
            inputs[i] = ReadMessage(messages[i]);
            seen += inputs[i] is CkksTensor batch ? batch.Shape[0] : 1;
        }

        return seen == samples ? (samples, inputs) : throw new CkksFormatException($"The request announces {samples} samples; its messages hold {seen}.");
    }

    /// <summary>
    /// Reads one message of the plan's packing — a <see cref="CkksVector"/> (row-major) or a batch <see cref="CkksTensor"/> — and
    /// checks that it is what <see cref="InferenceClient"/> sends: a fresh encryption at the plan's scale.
    /// </summary>
    private object ReadMessage(ReadOnlySpan<byte> message)
    {
        if (Plan.Packing == TensorPacking.RowMajor)
        {
            CkksVector vector = EncryptedMessage.ReadVector(_tensors, message, Plan.InputLength);
            RequireFresh(vector.Level, vector.Scale, text => new CkksFormatException(text));
            return vector;
        }

        CkksTensor batch = EncryptedMessage.ReadBatch(_tensors, message, Plan.InputLength, Plan.SamplesPerCiphertext);
        RequireFresh(batch.Ciphertexts[0].Level, batch.Ciphertexts[0].Scale, text => new CkksFormatException(text));
        return batch;
    }

    private byte[] RunMessage(object input, IProgress<StepProgress>? progress, CancellationToken cancellationToken) => input is CkksVector vector
        ? EncryptedMessage.Write(Run(vector, progress, cancellationToken))
        : EncryptedMessage.Write(RunBatch((CkksTensor)input, 0, progress, cancellationToken));

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
            0,
            progress,
            cancellationToken);
    }

    // The steps of an evaluation: one per layer, then the flooding when it is on.
    private int StepCount => _layers.Count + (Flooding.IsEnabled ? 1 : 0);

    private CkksVector Run(CkksVector x, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        for (int i = 0; i < _layers.Count; i++)
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

    // Layers from firstLayer on (the ones before have been applied to x).
    private CkksTensor RunBatch(CkksTensor x, int firstLayer, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        int samples = x.Shape[0];
        for (int i = firstLayer; i < _layers.Count; i++)
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

    private static CkksContext RequireParameters(EvaluationKeys keys, InferencePlan plan)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(plan);
        if (!keys.Context.Parameters.CoeffModulus.SequenceEqual(plan.Parameters.CoeffModulus) || keys.Context.PolyModulusDegree != plan.Parameters.PolyModulusDegree)
        {
            throw new ArgumentException("The evaluation keys were made for other parameters than the plan's.", nameof(keys));
        }

        return keys.Context;
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
