using Thestage.Inference.Planning;
using Thestage.Models;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Runtime;

/// <summary>
/// The server's key-independent form of a model under its plan: the CKKS context, and every layer compiled — linear maps
/// with their plaintext diagonals computed and encoded, at the levels the plan runs them, once per model. Each client
/// session (<see cref="EncryptedModel(PreparedModel, EvaluationKeys)"/>) adds only its evaluation keys.
/// </summary>
/// <remarks>
/// Before, every <see cref="EncryptedModel"/> built from a model and a client's keys computed and encoded the diagonals of
/// every linear layer again; docs/inference.md gives the measured difference. Keys must be loaded into this context
/// (<see cref="LoadEvaluationKeys"/>), since the encoded diagonals belong to it. Thread-safe: sessions may run concurrently.
/// </remarks>
public sealed class PreparedModel
{
    private readonly EncryptedLayer[] _layers;

    private PreparedModel(Sequential model, InferencePlan plan, CkksContext context, EncryptedLayer[] layers, int[] rotationSteps)
    {
        Model = model;
        Plan = plan;
        Context = context;
        _layers = layers;
        RotationSteps = rotationSteps;
    }

    /// <summary>The model.</summary>
    public Sequential Model { get; }

    /// <summary>Its plan.</summary>
    public InferencePlan Plan { get; }

    /// <summary>The CKKS context of the plan's parameters, shared by every session.</summary>
    public CkksContext Context { get; }

    /// <summary>Every rotation step the evaluation uses (a client's Galois keys must cover them).</summary>
    public IReadOnlyList<int> RotationSteps { get; }

    internal IReadOnlyList<EncryptedLayer> Layers => _layers;

    /// <summary>Prepares <paramref name="model"/> under <paramref name="plan"/>.</summary>
    /// <param name="model">The model (the one the plan was made for).</param>
    /// <param name="plan">Its plan.</param>
    /// <param name="securityLevel">The level the plan's parameters must reach (128-bit by default).</param>
    /// <exception cref="ArgumentException">The plan was made for another model.</exception>
    /// <exception cref="NotSupportedException">The model has a layer without CKKS evaluation.</exception>
    /// <exception cref="InsecureParametersException">The parameters are below the security level.</exception>
    public static PreparedModel Create(Sequential model, InferencePlan plan, SecurityLevel securityLevel = SecurityLevel.Tc128)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Create(model, plan, new CkksContext(plan.Parameters, securityLevel));
    }

    /// <summary>Loads a client's evaluation-key bundle into this model's context.</summary>
    /// <param name="bundle">The TSEK bytes from <see cref="EvaluationKeys.ToBytes"/>.</param>
    /// <exception cref="Privacy.Serialization.CkksFormatException">The bytes are malformed or made for other parameters.</exception>
    public EvaluationKeys LoadEvaluationKeys(ReadOnlySpan<byte> bundle) => EvaluationKeys.FromBytes(bundle, Context);

    /// <summary>Prepares the model in a given context (the plan's parameters).</summary>
    internal static PreparedModel Create(Sequential model, InferencePlan plan, CkksContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(context);
        CkksProgram program = CkksProgram.Lower(model);
        if (model.InputShape.Size != plan.InputLength || model.OutputShape.Size != plan.OutputLength || program.Depth != plan.Depth)
        {
            throw new ArgumentException("The plan was made for another model.", nameof(plan));
        }

        var tensors = new TensorContext(context, plan.Scale);
        var layers = new EncryptedLayer[program.Steps.Count];
        var steps = new SortedSet<int>(plan.RotationSteps);
        LinearLayout?[] layouts = plan.Packing == TensorPacking.RowMajor ? LinearLayout.Plan(program, tensors.SlotCount, steps) : new LinearLayout?[layers.Length];
        int level = context.MaxLevel;
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = EncryptedLayer.Compile(program.Steps[i], tensors, plan.Packing, layouts[i]);
            if (program.Steps[i] is LinearStep && level >= 1)
            {
                layers[i].Prepare(level);
            }

            level -= program.Steps[i].Depth;
            steps.UnionWith(layers[i].RotationSteps);
        }

        return new PreparedModel(model, plan, context, layers, [.. steps]);
    }
}
