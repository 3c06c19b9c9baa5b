using Thestage.Privacy.Tensors;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

/// <summary>The format of each object kind, shared by the span, stream and asynchronous loaders.</summary>
public static partial class CkksSerializer
{
    private static ObjectFormat<CkksParameters> ParametersFormat { get; } = new(ObjectKind.Parameters, null, false, ObjectDecoder.ReadParameters);

    private static ObjectFormat<Plaintext> PlaintextFormat(CkksContext context) =>
        new(ObjectKind.Plaintext, NotNull(context), true, (raw, _) => ObjectDecoder.ReadPlaintext(context, raw));

    private static ObjectFormat<Ciphertext> CiphertextFormat(CkksContext context) =>
        new(ObjectKind.Ciphertext, NotNull(context), false, (raw, h) => ObjectDecoder.ReadCiphertext(context, h.Seeded, raw));

    private static ObjectFormat<PublicKey> PublicKeyFormat(CkksContext context) =>
        new(ObjectKind.PublicKey, NotNull(context), false, (raw, h) => ObjectDecoder.ReadPublicKey(context, h.Seeded, raw));

    private static ObjectFormat<RelinKeys> RelinKeysFormat(CkksContext context) =>
        new(ObjectKind.RelinKeys, NotNull(context), false, (raw, h) => ObjectDecoder.ReadRelinKeys(context, h.Seeded, raw));

    private static ObjectFormat<GaloisKeys> GaloisKeysFormat(CkksContext context) =>
        new(ObjectKind.GaloisKeys, NotNull(context), false, (raw, h) => ObjectDecoder.ReadGaloisKeys(context, h.Seeded, raw), (s, h) => ObjectDecoder.ReadGaloisKeys(context, h.Seeded, s, h));

    private static ObjectFormat<SecretKey> SecretKeyFormat(CkksContext context) =>
        new(ObjectKind.SecretKey, NotNull(context), true, (raw, _) => SecretKeyCodec.Read(context, raw));

    private static ObjectFormat<CkksVector> VectorFormat(TensorContext context) =>
        new(ObjectKind.Vector, CkksOf(context), false, (raw, h) => TensorCodec.ReadVector(context, h.Seeded, raw), (s, h) => TensorCodec.ReadVector(context, s, h));

    private static ObjectFormat<CkksTensor> TensorFormat(TensorContext context) =>
        new(ObjectKind.Tensor, CkksOf(context), false, (raw, h) => TensorCodec.ReadTensor(context, h.Seeded, raw), (s, h) => TensorCodec.ReadTensor(context, s, h));
}
