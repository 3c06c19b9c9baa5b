using Thestage.Inference.Planning;
using Thestage.Models;

namespace Thestage.Inference.Compilation;

/// <summary>What <see cref="ModelCompiler"/> is asked for.</summary>
public sealed record CompileOptions
{
    /// <summary>The planner's options. Its integer bits are raised when the calibrated values need more (|x| up to 2× the largest calibrated value).</summary>
    public PlannerOptions Planner { get; init; } = new();

    /// <summary>How the exact activations are fitted (accuracy asked, maximum degree, margins).</summary>
    public ActivationFitOptions Activations { get; init; } = new();

    /// <summary>
    /// How many calibration samples are also evaluated encrypted (fresh keys, the default output flooding), to report the
    /// encrypted accuracy in the plan; 0 skips it. Default 16.
    /// </summary>
    public int EncryptedCheckSamples { get; init; } = 16;
}
