using Thestage.Formats;
using Thestage.Inference.Artifacts;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Models;
using Thestage.Models.Serialization;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;

namespace Thestage.Inference.Compilation;

/// <summary>
/// The model owner's artifact of a compiled model: the model as given (exact activations, the reference and the source of
/// a proof's fixed-point model), its calibration, the polynomial model the CKKS back-end evaluates, and the plan (which a
/// client receives alone, <see cref="InferencePlan.ToBytes"/>).
/// </summary>
/// <remarks>
/// Format "TSPK" version 1, little-endian: "TSPK" ‖ u16 version ‖ four u32-length blocks: the source model (TSMD), the
/// calibration (TSCL), the polynomial model (TSMD), the plan (TSPL). On load each block is validated by its own reader,
/// the calibration must be the source's (one range per tensor), the polynomial model must have the source's input and
/// output sizes and be the plan's (lengths and depth). Every refusal is a <see cref="CkksFormatException"/> (the
/// model readers' <see cref="ModelFormatException"/> is its inner exception), except parameters below the security level
/// (<see cref="InsecureParametersException"/>).
/// </remarks>
public sealed class ModelPackage
{
    /// <summary>The format's version.</summary>
    public const ushort FormatVersion = 1;

    private const int MaxBlock = 1 << 30;

    internal ModelPackage(Sequential source, Calibration calibration, Sequential model, InferencePlan plan)
    {
        Source = source;
        Calibration = calibration;
        Model = model;
        Plan = plan;
    }

    /// <summary>The model as given, with exact activations.</summary>
    public Sequential Source { get; }

    /// <summary>The calibration of <see cref="Source"/>.</summary>
    public Calibration Calibration { get; }

    /// <summary>The polynomial model the CKKS back-end evaluates.</summary>
    public Sequential Model { get; }

    /// <summary>The plan of <see cref="Model"/>, with the calibration report.</summary>
    public InferencePlan Plan { get; }

    private static ReadOnlySpan<byte> Magic => "TSPK"u8;

    /// <summary>Prepares the polynomial model for serving (once per model; see <see cref="PreparedModel"/>).</summary>
    /// <param name="securityLevel">The level the plan's parameters must reach (128-bit by default).</param>
    public PreparedModel Prepare(SecurityLevel securityLevel = SecurityLevel.Tc128) => PreparedModel.Create(Model, Plan, securityLevel);

    /// <summary>The package as bytes (format "TSPK" version 1).</summary>
    public byte[] ToBytes()
    {
        var w = new BoundedWriter(Magic, FormatVersion);
        w.Block(ModelSerializer.Serialize(Source));
        w.Block(ModelSerializer.Serialize(Calibration));
        w.Block(ModelSerializer.Serialize(Model));
        w.Block(Plan.ToBytes());
        return w.ToArray();
    }

    /// <summary>Reads a package written by <see cref="ToBytes"/>, validating every part and their consistency.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="securityLevel">The level the plan's parameters must reach (128-bit by default).</param>
    /// <exception cref="CkksFormatException">The bytes are not a valid, consistent package of this version.</exception>
    /// <exception cref="InsecureParametersException">The plan's parameters are below the security level.</exception>
    public static ModelPackage FromBytes(ReadOnlySpan<byte> data, SecurityLevel securityLevel = SecurityLevel.Tc128)
    {
        var r = new ArtifactReader(data);
        r.Header(Magic, FormatVersion, "a model package (TSPK)");
        ReadOnlySpan<byte> source = r.Block(MaxBlock, "The source model"), calibration = r.Block(MaxBlock, "The calibration");
        ReadOnlySpan<byte> model = r.Block(MaxBlock, "The model"), plan = r.Block(MaxBlock, "The plan");
        r.End("model package");
        try
        {
            Sequential s = ModelSerializer.DeserializeModel(source);
            Calibration c = ModelSerializer.DeserializeCalibration(calibration);
            Sequential m = ModelSerializer.DeserializeModel(model);
            InferencePlan p = InferencePlan.FromBytes(plan, securityLevel);
            if (c.Ranges.Count != s.Layers.Count + 1)
            {
                throw new CkksFormatException($"The calibration has {c.Ranges.Count} ranges; the source model has {s.Layers.Count} layers (+ its input).");
            }

            if (m.InputShape != s.InputShape || m.OutputShape.Size != s.OutputShape.Size)
            {
                throw new CkksFormatException($"The model ({m.InputShape} → {m.OutputShape}) is not the source's ({s.InputShape} → {s.OutputShape}).");
            }

            CkksProgram program = CkksProgram.Lower(m);
            if (m.InputShape.Size != p.InputLength || m.OutputShape.Size != p.OutputLength || program.Depth != p.Depth)
            {
                throw new CkksFormatException("The plan was made for another model.");
            }

            return new ModelPackage(s, c, m, p);
        }
        catch (ModelFormatException e)
        {
            throw new CkksFormatException($"The model package holds an invalid model or calibration: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new CkksFormatException($"The package's model cannot be evaluated encrypted: {e.Message}", e);
        }
    }
}
