using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The statement absorbed first by prover and verifier, and the labels of the inference protocol. Every integer is absorbed
/// in an explicit little-endian encoding (inputs and outputs as <c>i32</c>, counts as <c>u64</c>), never in host order.
/// </summary>
internal static class InferenceTranscript
{
    public const string Limbs = "inference/limbs";
    public const string RemainderLimbs = "inference/remainder-limbs";
    public const string Bias = "inference/bias";
    public const string RelationPoint = "inference/relation-point";
    public const string DifferenceLimbs = "inference/max-difference-limbs";
    public const string WindowCombination = "inference/max-window-combination";

    /// <summary>Absorbed after the statement by a <c>TSIP</c> v3 proof (zero-checks with masked claims), so its challenges differ from a v2 proof's.</summary>
    public const string ZeroKnowledgeClaims = "inference/zero-knowledge-claims";

    /// <summary>The weight mask set a <c>TSIP</c> v3 proof over a commitment with hidden weights reads (<see cref="WeightMaskLayout"/>), absorbed after <see cref="ZeroKnowledgeClaims"/>.</summary>
    public const string WeightMaskSet = "inference/weight-mask-set";

    public const string InputPaddingPoint = "inference/input-padding-point";

    /// <summary>The input's mask set a <c>TSIP</c> 0x8003 proof reads (<see cref="InputLayout"/>, its input opening's set), absorbed after the weights' set.</summary>
    public const string InputMaskSet = "inference/input-mask-set";

    public static Transcript Begin(ModelCommitment commitment, IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs, Digest256 adviceRoot)
    {
        Transcript transcript = Model("thestage/inference/v1", commitment);
        transcript.AbsorbUInt64("statement/batch", (ulong)inputs.Count);
        foreach (int[] input in inputs)
        {
            transcript.AbsorbBytes("statement/input", LittleEndian(input));
        }

        foreach (int[] output in outputs)
        {
            transcript.AbsorbBytes("statement/output", LittleEndian(output));
        }

        transcript.AbsorbDigest("witness/root", adviceRoot);
        return transcript;
    }

    /// <summary>
    /// The statement of a private-input proof, under its own protocol label (so no transcript of a public-input proof is one of
    /// these): the model, the input commitment's fingerprint (its shape, width, samples, parameters and root) and root, the outputs,
    /// the witness root.
    /// </summary>
    public static Transcript BeginPrivateInput(ModelCommitment commitment, InputCommitment input, IReadOnlyList<int[]> outputs, Digest256 adviceRoot)
    {
        Transcript transcript = Model("thestage/inference/private-input/v1", commitment);
        transcript.AbsorbDigest("input/fingerprint", input.Fingerprint);
        transcript.AbsorbDigest("input/root", input.Root);
        transcript.AbsorbUInt64("input/variables", (ulong)input.NumVariables);
        transcript.AbsorbUInt64("statement/batch", (ulong)outputs.Count);
        foreach (int[] output in outputs)
        {
            transcript.AbsorbBytes("statement/output", LittleEndian(output));
        }

        transcript.AbsorbDigest("witness/root", adviceRoot);
        return transcript;
    }

    private static Transcript Model(string protocol, ModelCommitment commitment)
    {
        var transcript = new Transcript(protocol);
        transcript.AbsorbDigest("model/architecture", commitment.ArchitectureDigest);
        foreach (LigeroCommitment weights in commitment.WeightCommitmentArray)
        {
            transcript.AbsorbDigest("model/weights-root", weights.Root);
            transcript.AbsorbUInt64("model/weights-variables", (ulong)weights.NumVariables);
        }

        return transcript;
    }

    /// <summary>The integers as explicit little-endian <c>i32</c>s, so the transcript is the same on every host.</summary>
    private static byte[] LittleEndian(int[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        }

        return bytes;
    }
}
