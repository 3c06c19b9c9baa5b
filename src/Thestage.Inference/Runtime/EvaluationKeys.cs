using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;

namespace Thestage.Inference.Runtime;

/// <summary>
/// What the server receives from the client to evaluate a model: the CKKS parameters, the public key (with which the
/// server re-randomizes and floods its answers, <see cref="OutputFlooding"/>), relinearization keys and the Galois keys
/// of the plan's rotation steps — never the secret key (this type has no way to hold one).
/// </summary>
public sealed class EvaluationKeys
{
    private static readonly byte[] Magic = "TSEK"u8.ToArray();
    private const byte Version = 2;

    internal EvaluationKeys(CkksContext context, PublicKey publicKey, RelinKeys relinKeys, GaloisKeys galoisKeys)
    {
        Context = context;
        PublicKey = publicKey;
        RelinKeys = relinKeys;
        GaloisKeys = galoisKeys;
    }

    /// <summary>The CKKS context the keys belong to.</summary>
    public CkksContext Context { get; }

    /// <summary>The client's public key.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>The relinearization keys.</summary>
    public RelinKeys RelinKeys { get; }

    /// <summary>The Galois keys.</summary>
    public GaloisKeys GaloisKeys { get; }

    /// <summary>The bundle as bytes: "TSEK", version 2, then parameters, public key, relinearization and Galois keys in the CKKS format (seeded).</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        stream.Write(Magic);
        stream.WriteByte(Version);
        CkksSerializer.Save(Context.Parameters, stream);
        CkksSerializer.Save(PublicKey, stream);
        CkksSerializer.Save(RelinKeys, stream);
        CkksSerializer.Save(GaloisKeys, stream);
        return stream.ToArray();
    }

    /// <summary>Loads a bundle, checking the parameters against <paramref name="securityLevel"/>.</summary>
    /// <param name="data">Bytes from <see cref="ToBytes"/>.</param>
    /// <param name="securityLevel">The level the parameters must reach (128-bit by default).</param>
    /// <exception cref="CkksFormatException">The bytes are malformed, are a version-1 bundle (which has no public key), or
    /// carry the public key in full instead of seeded (its a could then be the client's choice, see <see cref="PublicKey.IsSeeded"/>).</exception>
    /// <exception cref="InsecureParametersException">The parameters are below the security level.</exception>
    public static EvaluationKeys FromBytes(ReadOnlySpan<byte> data, SecurityLevel securityLevel = SecurityLevel.Tc128) =>
        Read(data, parameters => new CkksContext(parameters, securityLevel));

    /// <summary>
    /// Loads a bundle into an existing context (a server's <see cref="PreparedModel"/> shares one context across clients,
    /// so that what it encoded once serves every session).
    /// </summary>
    /// <param name="data">Bytes from <see cref="ToBytes"/>.</param>
    /// <param name="context">The context; the bundle's parameters must be its parameters.</param>
    /// <exception cref="CkksFormatException">The bytes are malformed, a version-1 bundle, or made for other parameters.</exception>
    public static EvaluationKeys FromBytes(ReadOnlySpan<byte> data, CkksContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Read(data, parameters => parameters.PolyModulusDegree == context.PolyModulusDegree && parameters.CoeffModulus.SequenceEqual(context.Parameters.CoeffModulus)
            ? context
            : throw new CkksFormatException($"The evaluation keys were made for other parameters (N = {parameters.PolyModulusDegree}, {parameters.CoeffModulus.Count} primes) than the model's (N = {context.PolyModulusDegree}, {context.Parameters.CoeffModulus.Count} primes)."));
    }

    private static EvaluationKeys Read(ReadOnlySpan<byte> data, Func<CkksParameters, CkksContext> contextFor)
    {
        if (data.Length < Magic.Length + 1 || !data[..Magic.Length].SequenceEqual(Magic))
        {
            throw new CkksFormatException(data.Length >= 4 && data[..4].SequenceEqual("TSPV"u8)
                ? "A single CKKS object (magic \"TSPV\"), not an evaluation-key bundle (\"TSEK\"): the server takes the bundle of public evaluation keys, never a secret key."
                : "Not an evaluation-key bundle (magic \"TSEK\").");
        }

        if (data[Magic.Length] != Version)
        {
            throw new CkksFormatException($"Evaluation-key bundle version {data[Magic.Length]}; version {Version} is read (version 1 had no public key: create the bundle again with InferenceClient.CreateEvaluationKeys).");
        }

        using var stream = new MemoryStream(data[(Magic.Length + 1)..].ToArray(), writable: false);
        CkksParameters parameters = CkksSerializer.LoadParameters(stream);
        RequireKeysPresent(parameters, stream.Length - stream.Position);
        CkksContext context = contextFor(parameters);
        PublicKey publicKey = CkksSerializer.LoadPublicKey(context, stream);
        if (!publicKey.IsSeeded)
        {
            // The server re-randomizes its answers with this key (OutputFlooding): a key stored in full may carry an a of
            // the client's choosing (0 makes the answer's c₁ the model's own plus a small error).
            throw new CkksFormatException("The bundle's public key is stored in full; a bundle carries it seeded (a expanded from its seed), so that the client cannot choose a.");
        }

        RelinKeys relin = CkksSerializer.LoadRelinKeys(context, stream);
        GaloisKeys galois = CkksSerializer.LoadGaloisKeys(context, stream);
        if (stream.Position != stream.Length)
        {
            throw new CkksFormatException($"{stream.Length - stream.Position} bytes follow the evaluation-key bundle.");
        }

        return new EvaluationKeys(context, publicKey, relin, galois);
    }

    // The context of the parameters costs 32·N bytes of NTT tables per prime before any key is read: 130 MiB from a 573-byte
    // bundle declaring N = 65536 and 64 primes. The keys that must follow are far larger — the seeded public key and one b
    // per relinearization-key component, (L + 2) polynomials bit-packed, compressed at most MaxCompressionRatio times — so a
    // bundle shorter than that is refused first, and the context's cost stays a small multiple of the bytes received.
    private static void RequireKeysPresent(CkksParameters parameters, long remaining)
    {
        long polynomial = parameters.CoeffModulus.Sum(q => 64L - System.Numerics.BitOperations.LeadingZeroCount(q)) * parameters.PolyModulusDegree / 8;
        long least = parameters.CoeffModulus.Count * polynomial / CkksLoadOptions.MaxCompressionRatio;
        if (remaining < least)
        {
            throw new CkksFormatException(
                $"{remaining} bytes follow the parameters; their public and relinearization keys take at least {least} (N = {parameters.PolyModulusDegree}, {parameters.CoeffModulus.Count} primes).");
        }
    }
}
