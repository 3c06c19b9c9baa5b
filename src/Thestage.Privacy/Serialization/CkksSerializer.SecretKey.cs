using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

public static partial class CkksSerializer
{
    /// <summary>
    /// Serializes the secret key, never compressed: a ternary key (every key <see cref="KeyGenerator"/> makes) as its
    /// coefficients at 2 bits each (N/4 bytes), any other as its bit-packed NTT-form limbs. The result is secret: whoever holds it can
    /// decrypt everything encrypted under the key. Wipe it (for example with
    /// <see cref="System.Security.Cryptography.CryptographicOperations.ZeroMemory(Span{byte})"/>) when done.
    /// </summary>
    /// <param name="secretKey">The secret key.</param>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public static byte[] SaveSecretKey(SecretKey secretKey) => SecretJob(secretKey).ToArray();

    /// <summary>Serializes the secret key into <paramref name="destination"/>; the bytes written are secret.</summary>
    /// <param name="secretKey">The secret key.</param>
    /// <param name="destination">The stream written to; temporary buffers are wiped.</param>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public static void SaveSecretKey(SecretKey secretKey, Stream destination) => SecretJob(secretKey).WriteTo(NotNull(destination));

    /// <summary>Serializes the secret key into <paramref name="destination"/> if it is large enough; the bytes written are secret.</summary>
    /// <param name="secretKey">The secret key.</param>
    /// <param name="destination">The buffer; at least <see cref="GetSerializedSecretKeySize(SecretKey)"/> bytes.</param>
    /// <param name="bytesWritten">The number of bytes written, 0 when the buffer is too small.</param>
    /// <returns>False when the buffer is too small.</returns>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public static bool TrySaveSecretKey(SecretKey secretKey, Span<byte> destination, out int bytesWritten) => SecretJob(secretKey).TryWrite(destination, out bytesWritten);

    /// <summary>The exact number of bytes <see cref="SaveSecretKey(SecretKey)"/> produces.</summary>
    /// <param name="secretKey">The secret key.</param>
    public static long GetSerializedSecretKeySize(SecretKey secretKey) => SecretJob(secretKey).Size;

    /// <summary>Loads a secret key saved under the parameters of <paramref name="context"/>; temporary buffers are wiped.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="data">Exactly one serialized secret key.</param>
    /// <exception cref="CkksFormatException">The data is not a valid secret key for this context.</exception>
    public static SecretKey LoadSecretKey(CkksContext context, ReadOnlySpan<byte> data) =>
        ObjectLoader.Load(data, SecretKeyFormat(context), null);

    /// <summary>Loads a secret key from <paramref name="source"/>, reading exactly one object; temporary buffers are wiped.</summary>
    /// <param name="context">The context; its parameter fingerprint must match the data's.</param>
    /// <param name="source">The stream, positioned at the object.</param>
    /// <exception cref="CkksFormatException">The data is not a valid secret key for this context.</exception>
    public static SecretKey LoadSecretKey(CkksContext context, Stream source) =>
        ObjectLoader.Load(NotNull(source), SecretKeyFormat(context), null);

    private static SaveJob SecretJob(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        secretKey.ThrowIfDisposed();
        bool ternary = SecretKeyCodec.IsTernary(secretKey);
        long size = SecretKeyCodec.Size(secretKey.Context, ternary);
        return new SaveJob(ObjectKind.SecretKey, Fingerprints.Of(secretKey.Context), false, size, d => SecretKeyCodec.Write(secretKey, ternary, d), CkksCompression.None, sensitive: true);
    }
}
