using System.Numerics.Tensors;
using Thestage.Inference.Model;
using Thestage.Inference.Planning;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Runtime;

/// <summary>
/// The model owner's side: evaluates a model on encrypted inputs with an <see cref="EvaluationKeys"/> bundle only.
/// It has no way to reach a secret key; its inputs and outputs are messages (bytes) or encrypted tensors.
/// </summary>
/// <remarks>
/// Row-major plans run each linear layer as a <see cref="LinearTransform"/> (encoded once, here) plus a plain bias,
/// activations as polynomials, flattening for free. Batch plans run linear layers as per-slot scalar products
/// (<see cref="CkksTensor.MatMul"/>), one sample per slot.
/// </remarks>
public sealed class EncryptedModel
{
    private readonly Sequential _model;
    private readonly TensorContext _tensors;
    private readonly LinearTransform?[] _transforms;
    private readonly double[]?[] _biases;
    private readonly double[,]?[] _matrices;

    /// <summary>Prepares <paramref name="model"/> for encrypted evaluation under <paramref name="plan"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="plan">Its plan.</param>
    /// <param name="keys">The client's evaluation keys.</param>
    /// <exception cref="ArgumentException">The keys' parameters are not the plan's, or the plan is not the model's.</exception>
    /// <exception cref="NotSupportedException">The model has an exact <see cref="Relu"/> (no plan can be made for it).</exception>
    public EncryptedModel(Sequential model, InferencePlan plan, EvaluationKeys keys)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(keys);
        if (!keys.Context.Parameters.CoeffModulus.SequenceEqual(plan.Parameters.CoeffModulus) || keys.Context.PolyModulusDegree != plan.Parameters.PolyModulusDegree)
        {
            throw new ArgumentException("The evaluation keys were made for other parameters than the plan's.", nameof(keys));
        }

        if (Layer.Product(model.InputShape) != plan.InputLength || Layer.Product(model.OutputShape) != plan.OutputLength || model.Depth != plan.Depth)
        {
            throw new ArgumentException("The plan was made for another model.", nameof(plan));
        }

        _model = model;
        Plan = plan;
        _tensors = new TensorContext(keys.Context, plan.Scale, keys.RelinKeys, keys.GaloisKeys);
        int count = model.Layers.Count;
        _transforms = new LinearTransform?[count];
        _biases = new double[]?[count];
        _matrices = new double[,]?[count];
        for (int i = 0; i < count; i++)
        {
            Layer layer = model.Layers[i];
            if (layer is not (Dense or Conv2d or AvgPool2d))
            {
                continue;
            }

            IReadOnlyList<int> shape = model.InputShapeOf(i);
            Func<int, int, double> entries = LinearLayers.Matrix(layer, shape);
            int input = Layer.Product(shape), output = Layer.Product(model.OutputShapeOf(i));
            _biases[i] = LinearLayers.Bias(layer, shape);
            if (plan.Packing == TensorPacking.RowMajor)
            {
                _transforms[i] = new LinearTransform(_tensors, input, output, entries);
            }
            else
            {
                var m = new double[input, output];
                for (int r = 0; r < input; r++)
                {
                    for (int c = 0; c < output; c++)
                    {
                        m[r, c] = entries(r, c);
                    }
                }

                _matrices[i] = m;
            }
        }
    }

    /// <summary>The plan.</summary>
    public InferencePlan Plan { get; }

    /// <summary>Evaluates an encrypted message from <see cref="InferenceClient"/> and returns the encrypted answer.</summary>
    /// <param name="message">The client's message.</param>
    /// <exception cref="Privacy.Serialization.CkksFormatException">The message is malformed or does not match the plan.</exception>
    public byte[] Evaluate(ReadOnlySpan<byte> message)
    {
        if (Plan.Packing == TensorPacking.RowMajor)
        {
            return EncryptedMessage.Write(Evaluate(EncryptedMessage.ReadVector(_tensors, message, Plan.InputLength)));
        }

        CkksTensor batch = EncryptedMessage.ReadBatch(_tensors, message, Plan.InputLength, Plan.SamplesPerCiphertext);
        return EncryptedMessage.Write(EvaluateBatch(batch).Reshape([batch.Shape[0], Plan.OutputLength]));
    }

    /// <summary>Evaluates one encrypted sample (row-major plan).</summary>
    /// <param name="input">The sample, <see cref="InferencePlan.InputLength"/> values.</param>
    public CkksVector Evaluate(CkksVector input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CkksVector x = input;
        for (int i = 0; i < _model.Layers.Count; i++)
        {
            x = _model.Layers[i] switch
            {
                Activation a when a.IsSquare => x.Square(),
                Activation a => x.Polynomial(a.Polynomial),
                Flatten => x,
                _ => AddBias(_transforms[i]!.Apply(x), _biases[i]!),
            };
        }

        return x;
    }

    /// <summary>Evaluates a batch-packed tensor [samples, <see cref="InferencePlan.InputLength"/>] (batch plan).</summary>
    /// <param name="input">The batch.</param>
    public CkksTensor EvaluateBatch(CkksTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CkksTensor x = input;
        int samples = input.Shape[0];
        for (int i = 0; i < _model.Layers.Count; i++)
        {
            x = _model.Layers[i] switch
            {
                Activation a when a.IsSquare => x.Square(),
                Activation a => x.Polynomial(a.Polynomial),
                Flatten => x,
                _ => x.MatMul(_matrices[i]!).Add(Broadcast(_biases[i]!, samples)),
            };
        }

        return x;
    }

    private static CkksVector AddBias(CkksVector x, double[] bias) => bias.All(b => b == 0) ? x : x.Add(bias);

    private static Tensor<double> Broadcast(double[] bias, int samples)
    {
        var values = new double[samples * bias.Length];
        for (int s = 0; s < samples; s++)
        {
            bias.CopyTo(values, s * bias.Length);
        }

        return Tensor.Create(values, [samples, bias.Length]);
    }
}
