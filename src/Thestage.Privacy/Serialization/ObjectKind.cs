namespace Thestage.Privacy.Serialization;

/// <summary>The kind of object a serialized blob holds (one byte of the header).</summary>
internal enum ObjectKind : byte
{
    /// <summary>CKKS parameters: N and the primes.</summary>
    Parameters = 1,

    /// <summary>A plaintext.</summary>
    Plaintext = 2,

    /// <summary>A ciphertext.</summary>
    Ciphertext = 3,

    /// <summary>A public key.</summary>
    PublicKey = 4,

    /// <summary>Relinearization keys.</summary>
    RelinKeys = 5,

    /// <summary>Galois keys.</summary>
    GaloisKeys = 6,

    /// <summary>A secret key (only through the explicitly named methods).</summary>
    SecretKey = 7,

    /// <summary>An encrypted vector (<see cref="Tensors.CkksVector"/>): its length and its ciphertexts.</summary>
    Vector = 8,

    /// <summary>An encrypted tensor (<see cref="Tensors.CkksTensor"/>): its shape, packing and ciphertexts.</summary>
    Tensor = 9,
}
