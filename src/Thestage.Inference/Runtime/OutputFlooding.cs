using Thestage.Inference.Planning;

namespace Thestage.Inference.Runtime;

/// <summary>
/// Noise flooding of a served model's outputs: before an output ciphertext leaves <see cref="EncryptedModel"/>, the
/// server adds a fresh encryption, under the client's public key, of Gaussian noise of standard deviation
/// <see cref="StandardDeviation"/> in every slot. The client then decrypts its answer plus noise that hides the
/// ciphertext's own, model-dependent noise, from a ciphertext whose c₁ is fresh.
/// </summary>
/// <remarks>
/// <para>Why (Li and Micciancio, "On the security of homomorphic encryption on approximate numbers", EUROCRYPT 2021,
/// eprint 2020/1533): a CKKS decryption is the message plus the ciphertext's noise e, and e is a function of the
/// computation — here of the model's weights. A client who holds the secret key reads e (for example in the imaginary
/// parts of the slots, which a real computation leaves at zero) and, with c₁ a deterministic function of its own request
/// and keys, can test a guessed model by evaluating it itself. Flooding (Gentry 2009; in the differential-privacy form
/// of Li, Micciancio, Schultz and Sorrell, CRYPTO 2022, eprint 2022/816) adds noise large enough that the answer's
/// distribution barely depends on e; the public-key encryption of that noise re-randomizes c₁.</para>
/// <para>What is guaranteed. The flood is a Gaussian with standard deviation τ per real slot component, that is i.i.d.
/// coefficients of standard deviation σ = τ·Δ·√(2/N) (rounded to integers). For a ciphertext noise e with
/// ‖e‖₂ = √2·r·Δ (r the noise's root mean square per slot component, by Parseval for the canonical embedding), the Rényi
/// divergence of order 2 between what the client sees and the same with e = 0 is exp(‖e‖₂²/σ²) = exp(N·r²/τ²) per
/// answer. <see cref="ForNoise"/> sets τ = r·√(N·q): over q answers the divergence is at most e, so an event of
/// probability p without the model's noise has probability at most √(e·p) with it (Rényi probability preservation);
/// beyond q answers the bound degrades as exp(answers/q). Rounding the flood to integers and the client's averaging of
/// slots are post-processing and cannot increase the divergence.</para>
/// <para>What it costs: each output value carries noise of standard deviation τ instead of r, that is log2(√(N·q)) bits
/// of precision (6.5 bits at N = 8192 and q = 1) — the row-major client averages the replicated copies of each output
/// and wins back half of the log2 of their number (docs/inference.md has the measured figures). The default,
/// <see cref="ForPlan"/>, assumes r ≤ 2^(14 − s) at scale 2^s (<see cref="AssumedNoiseBits"/>: measured 2^(13.4 − s)
/// on the demo's CNN); a deeper model or larger activations need <see cref="ForNoise"/> with the noise the owner
/// measured. Flooding does not protect the client's key from whoever sees decrypted results (the server knows the
/// flood it added): see <see cref="InferenceClient.OutputRoundingBits"/>.</para>
/// </remarks>
public sealed class OutputFlooding
{
    /// <summary>log2 of the output noise per slot component that <see cref="ForPlan"/> assumes, at scale 2^0: r ≤ 2^(14 − s) at scale 2^s.</summary>
    public const int AssumedNoiseBits = 14;

    private OutputFlooding(double standardDeviation, double outputNoise, int queries)
    {
        StandardDeviation = standardDeviation;
        OutputNoise = outputNoise;
        Queries = queries;
    }

    /// <summary>No flooding: outputs leave the server as computed (exact noise, deterministic c₁).</summary>
    public static OutputFlooding None { get; } = new(0, 0, 0);

    /// <summary>The standard deviation τ of the noise added to each output value (each real slot component), in output units; 0 when off.</summary>
    public double StandardDeviation { get; }

    /// <summary>The output noise r (root mean square per slot component, output units) the flooding is sized against; 0 when off.</summary>
    public double OutputNoise { get; }

    /// <summary>The number of answers q over which the Rényi divergence stays at most e; 0 when off.</summary>
    public int Queries { get; }

    /// <summary>Whether outputs are flooded.</summary>
    public bool IsEnabled => StandardDeviation > 0;

    /// <summary>The default for a served model: flooding sized for one answer against the assumed noise 2^(<see cref="AssumedNoiseBits"/> − s).</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="queries">The answers q the bound should cover (τ grows as √q).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="queries"/> is below 1, or the noise does not fit the output modulus.</exception>
    public static OutputFlooding ForPlan(InferencePlan plan, int queries = 1)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return ForNoise(plan, Math.ScaleB(1, AssumedNoiseBits - plan.ScaleBits), queries);
    }

    /// <summary>Flooding sized against an output noise the model owner measured (for example the root mean square
    /// difference between decrypted and plain outputs over representative inputs, with a margin).</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="outputNoise">The output noise r per slot component, in output units.</param>
    /// <param name="queries">The answers q the bound should cover.</param>
    /// <exception cref="ArgumentOutOfRangeException">The noise is not positive and finite, <paramref name="queries"/> is below 1,
    /// or the flooding noise does not fit the output modulus (plan more integer bits).</exception>
    public static OutputFlooding ForNoise(InferencePlan plan, double outputNoise, int queries = 1)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!(outputNoise > 0) || double.IsInfinity(outputNoise))
        {
            throw new ArgumentOutOfRangeException(nameof(outputNoise), outputNoise, "The output noise must be positive and finite.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(queries, 1);
        double tau = outputNoise * Math.Sqrt((double)plan.Parameters.PolyModulusDegree * queries);

        // The output prime holds values below 2^(edge − s − 1) in magnitude; keep the flood (at most about 9τ per
        // component with the sampler's bound) a factor 16 inside it.
        int edgeBits = 64 - (int)ulong.LeadingZeroCount(plan.Parameters.CoeffModulus[0]);
        double room = Math.ScaleB(1, edgeBits - plan.ScaleBits - 1);
        if (16 * tau > room)
        {
            throw new ArgumentOutOfRangeException(nameof(outputNoise), outputNoise,
                $"Flooding with τ = {tau:G3} over {queries} answers does not fit outputs below {room:G3}; plan more integer bits or a larger scale.");
        }

        return new OutputFlooding(tau, outputNoise, queries);
    }

    /// <inheritdoc/>
    public override string ToString() => IsEnabled
        ? $"flooding τ = {StandardDeviation:G3} per value (noise {OutputNoise:G3}, {Queries} answer{(Queries == 1 ? string.Empty : "s")})"
        : "no flooding";
}
