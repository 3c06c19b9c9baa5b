using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Inference;

/// <summary>
/// What the owner of a private input publishes, once, before any proof: a hiding Ligero commitment (Merkle root) of the integer
/// input laid out as the circuit's input tensor, with its shape, its integer width and the commitment parameters (with an opening
/// budget). <see cref="InferenceVerifier.CheckPrivateInput"/> checks proofs of <c>y = f_W(x)</c> for the committed <c>x</c> against it,
/// under any model commitment of the same input shape and width.
/// </summary>
/// <remarks>
/// <para>
/// Created by <see cref="CommittedInput.Commit(ModelCommitment, ReadOnlySpan{int}, LigeroParameters, ISaltSource?)"/>, published with
/// <see cref="InputCommitmentSerializer"/> (format <c>TSIC</c>). The committed polynomial holds the padded input tensor and a random
/// segment (<c>InputLayout</c> remarks); nothing secret is in this object: the input, the salts and the masking rows stay with the
/// owner (<see cref="CommittedInput"/>).
/// </para>
/// <para>
/// Hiding: every proof opens the commitment once (one batched hiding opening of every claim on the input), so the commitment stays
/// hiding for <see cref="OpeningBudget"/> proofs (<see cref="LigeroParameters"/> remarks, "Opening budget") and the owner's prover
/// refuses more (<see cref="OpeningBudgetExhaustedException"/>). What the rest of a proof reveals about the input is listed in
/// docs/proofs.md, "Private input".
/// </para>
/// </remarks>
public sealed class InputCommitment
{
    private Digest256? _fingerprint;

    internal InputCommitment(Shape inputShape, int inputBits, LigeroParameters parameters, LigeroCommitment commitment, int batch = 1, bool masked = true)
    {
        InputShape = inputShape;
        InputBits = inputBits;
        Parameters = parameters;
        Ligero = commitment;
        Layout = InputLayout.Create(inputShape, inputBits, parameters.OpeningBudget, batch, masked);
    }

    /// <summary>Gets the shape of one committed sample.</summary>
    public Shape InputShape { get; }

    /// <summary>Gets the number of committed samples (a batch proven by one proof; 1 in a <c>TSIC</c> v1 commitment).</summary>
    public int Batch => Layout.Batch;

    /// <summary>
    /// Gets the format version: 2 carries a mask set per opening, so that proofs over it hide their claims on the input (<c>TSIP</c>
    /// 0x8003); 1 (read, no longer written) has none, and its proofs (0x8002) reveal them, so verifiers refuse it wherever the
    /// model's proofs hide their claims.
    /// </summary>
    public int Version => Layout.Masked ? 2 : 1;

    /// <summary>Gets the width of the committed signed integers (the model's <see cref="ModelCommitment.InputBits"/>).</summary>
    public int InputBits { get; }

    /// <summary>Gets the commitment parameters: hiding, with an <see cref="OpeningBudget"/>.</summary>
    public LigeroParameters Parameters { get; }

    /// <summary>Gets the number of proofs the commitment stays hiding for (one opening each).</summary>
    public int OpeningBudget => Parameters.OpeningBudget;

    /// <summary>Gets the Merkle root of the Ligero commitment to the input polynomial.</summary>
    public Digest256 Root => Ligero.Root;

    /// <summary>Gets the number of variables of the input polynomial (fixed by the shape and the budget).</summary>
    public int NumVariables => Ligero.NumVariables;

    /// <summary>
    /// Gets the SHA-256 of the commitment's bytes (<see cref="InputCommitmentSerializer.Serialize"/>, canonical), the name under which
    /// an input is published; proofs absorb it, so a proof names the one input commitment it was made against.
    /// </summary>
    public Digest256 Fingerprint => _fingerprint ??= Digest256.FromBytes(System.Security.Cryptography.SHA256.HashData(InputCommitmentSerializer.Serialize(this)));

    internal LigeroCommitment Ligero { get; }

    internal InputLayout Layout { get; }
}
