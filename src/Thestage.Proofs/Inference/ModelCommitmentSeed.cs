using System.Buffers.Binary;
using System.Security.Cryptography;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Inference;

/// <summary>
/// The model owner's secret from which the salts of a model commitment are derived, so that committing the same model again
/// gives the same commitment (<see cref="CommittedModel.Commit(Quantization.QuantizedModel, ModelCommitmentSeed, Commitments.LigeroParameters?)"/>):
/// the prover's state need not be stored beside the published commitment, only this seed.
/// </summary>
/// <remarks>
/// <para>
/// Secret: the salts hide the unopened columns of the weight commitments (a salted Merkle leaf <c>H(salt ‖ column)</c>
/// reveals nothing about the column while the salt is unknown); whoever knows the seed can test a guessed column against
/// the published root. Keep it with the model, never with the public commitment. Make one per model
/// (<see cref="Create"/>, from the operating system's CSPRNG).
/// </para>
/// <para>
/// Derivation: the salts of the <c>i</c>-th committed polynomial are the first <c>16·n</c> bytes of the KDF in counter mode
/// of NIST SP 800-108r1 (§4.1) with HMAC-SHA256, key = the seed, label <c>"thestage/model-commitment/salts/v1"</c>,
/// context = <c>i</c> as a little-endian u32 (.NET's <see cref="SP800108HmacCounterKdf"/>). Distinct polynomials get
/// independent pseudorandom streams, and a polynomial's salts do not depend on the order in which the polynomials are
/// committed. Under hiding parameters (<see cref="Commitments.LigeroParameters.Hiding"/>) every random value of the commitment
/// derives from the seed, each from its own derivation with the same KDF: the salts of polynomial <c>i</c> under label
/// <c>"thestage/model-commitment/hiding-salts/v1"</c>; the randomness of its encoding and masking rows from the
/// <see cref="DerivedSaltSource"/> stream keyed by 32 bytes under label <c>"thestage/model-commitment/masks/v1"</c>; the
/// weight range proof's sumcheck mask pool from the stream keyed under <c>"thestage/model-commitment/range-proof-masks/v1"</c>.
/// Their context is <c>i</c> (−1 for the pool) ‖ the parameters' encoded log blowup ‖ column queries (‖ the opening budget, when
/// there is one), each a little-endian u32, so that commitments to one model from one seed under different parameters share no
/// salt and no mask. A seed may instead key a private input's commitment (<see cref="CommittedInput"/>, one seed per input): its
/// salts, masking rows and random segment are the streams keyed under <c>"thestage/input-commitment/salts/v1"</c>,
/// <c>"…/masks/v1"</c> and <c>"…/random-segment/v1"</c>, context 0 ‖ the parameters as above.
/// </para>
/// <para>
/// Format "TSCS" version 1 (<see cref="ToBytes"/>): <c>"TSCS" ‖ version u16 (=1) ‖ seed (32 bytes)</c>, exactly 38 bytes;
/// anything else is refused with <see cref="ProofFormatException"/>.
/// </para>
/// </remarks>
public sealed class ModelCommitmentSeed : IDisposable
{
    /// <summary>The length of a seed in bytes (256 bits).</summary>
    public const int Length = 32;

    /// <summary>The current format version.</summary>
    public const ushort Version = 1;

    private const int EncodedLength = 4 + 2 + Length;

    private static readonly byte[] Label = "thestage/model-commitment/salts/v1"u8.ToArray();

    private static readonly byte[] HidingSaltLabel = "thestage/model-commitment/hiding-salts/v1"u8.ToArray();

    private static readonly byte[] MaskLabel = "thestage/model-commitment/masks/v1"u8.ToArray();

    private static readonly byte[] RangeProofMaskLabel = "thestage/model-commitment/range-proof-masks/v1"u8.ToArray();

    private static readonly byte[] WeightMaskLabel = "thestage/model-commitment/weight-masks/v1"u8.ToArray();

    private static readonly byte[] InputSaltLabel = "thestage/input-commitment/salts/v1"u8.ToArray();

    private static readonly byte[] InputMaskLabel = "thestage/input-commitment/masks/v1"u8.ToArray();

    private static readonly byte[] InputRandomSegmentLabel = "thestage/input-commitment/random-segment/v1"u8.ToArray();

    private readonly byte[] _seed;
    private bool _disposed;

    private ModelCommitmentSeed(byte[] seed) => _seed = seed;

    private static ReadOnlySpan<byte> Magic => "TSCS"u8;

    /// <summary>Creates a fresh seed from the operating system's cryptographically secure generator.</summary>
    /// <returns>The seed.</returns>
    public static ModelCommitmentSeed Create() => new(RandomNumberGenerator.GetBytes(Length));

    /// <summary>Reads a seed written by <see cref="ToBytes"/>.</summary>
    /// <param name="bytes">Exactly 38 bytes.</param>
    /// <returns>The seed.</returns>
    /// <exception cref="ProofFormatException">The bytes are not a version-1 seed.</exception>
    public static ModelCommitmentSeed FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != EncodedLength || !bytes[..4].SequenceEqual(Magic))
        {
            throw new ProofFormatException($"Not a model commitment seed (\"TSCS\", {EncodedLength} bytes); got {bytes.Length} bytes.");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        return version == Version
            ? new ModelCommitmentSeed(bytes[6..].ToArray())
            : throw new ProofFormatException($"Unsupported model commitment seed version {version}; expected {Version}.");
    }

    /// <summary>The seed as bytes (format "TSCS" version 1). Store them like a password.</summary>
    /// <returns>The 38 bytes.</returns>
    /// <exception cref="ObjectDisposedException">The seed was disposed.</exception>
    public byte[] ToBytes()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bytes = new byte[EncodedLength];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), Version);
        _seed.CopyTo(bytes.AsSpan(6));
        return bytes;
    }

    /// <summary>Wipes the seed.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_seed);
        _disposed = true;
    }

    /// <summary>The salt source of the <paramref name="polynomial"/>-th committed polynomial under plain parameters.</summary>
    internal ISaltSource SaltsOf(int polynomial)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var context = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(context, polynomial);
        return new DerivedSalts(_seed, Label, context);
    }

    /// <summary>The leaf salts of the <paramref name="polynomial"/>-th polynomial of a hiding commitment under <paramref name="parameters"/>.</summary>
    internal ISaltSource HidingSaltsOf(int polynomial, LigeroParameters parameters)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new DerivedSalts(_seed, HidingSaltLabel, Context(polynomial, parameters));
    }

    /// <summary>The randomness of the encoding and masking rows of the <paramref name="polynomial"/>-th polynomial of a hiding commitment under <paramref name="parameters"/>.</summary>
    internal ISaltSource MasksOf(int polynomial, LigeroParameters parameters) => Stream(MaskLabel, Context(polynomial, parameters));

    /// <summary>The randomness of the weight range proof's sumcheck mask pool of a hiding commitment under <paramref name="parameters"/>.</summary>
    internal ISaltSource RangeProofMasks(LigeroParameters parameters) => Stream(RangeProofMaskLabel, Context(-1, parameters));

    /// <summary>The weight masks and random segments of a hiding commitment with an opening budget (<see cref="WeightMaskLayout"/>) under <paramref name="parameters"/>.</summary>
    internal ISaltSource WeightMasks(LigeroParameters parameters) => Stream(WeightMaskLabel, Context(-1, parameters));

    /// <summary>The leaf salts of a private input's commitment (<see cref="CommittedInput"/>) under <paramref name="parameters"/>.</summary>
    internal ISaltSource InputSalts(LigeroParameters parameters) => Stream(InputSaltLabel, Context(0, parameters));

    /// <summary>The randomness of the encoding and masking rows of a private input's commitment under <paramref name="parameters"/>.</summary>
    internal ISaltSource InputMasks(LigeroParameters parameters) => Stream(InputMaskLabel, Context(0, parameters));

    /// <summary>The random segment of a private input's commitment under <paramref name="parameters"/>.</summary>
    internal ISaltSource InputRandomSegment(LigeroParameters parameters) => Stream(InputRandomSegmentLabel, Context(0, parameters));

    /// <summary>The derivation context of a polynomial (−1: none) under parameters: the index, the encoded log blowup and the query count, each a little-endian u32.</summary>
    private static byte[] Context(int polynomial, LigeroParameters parameters)
    {
        var context = new byte[parameters.OpeningBudget > 0 ? 16 : 12];
        BinaryPrimitives.WriteInt32LittleEndian(context, polynomial);
        BinaryPrimitives.WriteInt32LittleEndian(context.AsSpan(4), parameters.EncodedLogBlowup);
        BinaryPrimitives.WriteInt32LittleEndian(context.AsSpan(8), parameters.ColumnQueries);
        if (parameters.OpeningBudget > 0)
        {
            BinaryPrimitives.WriteInt32LittleEndian(context.AsSpan(12), parameters.OpeningBudget);
        }

        return context;
    }

    /// <summary>An unbounded stream (<see cref="DerivedSaltSource"/>) keyed by 32 bytes derived from the seed under <paramref name="label"/> and <paramref name="context"/>.</summary>
    private DerivedSaltSource Stream(byte[] label, byte[] context)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> key = stackalloc byte[DerivedSaltSource.SeedLength];
        SP800108HmacCounterKdf.DeriveBytes(_seed, HashAlgorithmName.SHA256, label, context, key);
        var stream = new DerivedSaltSource(key);
        CryptographicOperations.ZeroMemory(key);
        return stream;
    }

    /// <summary>One polynomial's salts: filled once, with the whole derived stream (a commitment draws its salts in one call).</summary>
    private sealed class DerivedSalts(byte[] seed, byte[] label, byte[] context) : ISaltSource
    {
        private bool _used;

        public void Fill(Span<byte> salt)
        {
            if (_used)
            {
                throw new InvalidOperationException("A polynomial's derived salts are drawn once.");
            }

            _used = true;
            SP800108HmacCounterKdf.DeriveBytes(seed, HashAlgorithmName.SHA256, label, context, salt);
        }
    }
}
