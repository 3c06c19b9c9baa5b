namespace Thestage.Inference.Planning;

/// <summary>The plan of one layer: how it runs encrypted and what it costs.</summary>
/// <param name="Layer">The layer's description.</param>
/// <param name="InputLength">Values in.</param>
/// <param name="OutputLength">Values out.</param>
/// <param name="Depth">Levels consumed.</param>
/// <param name="LevelAfter">The data level of its output.</param>
/// <param name="Rotations">Key switches for rotations (row-major packing).</param>
/// <param name="PlaintextMultiplications">Plaintext or scalar products.</param>
/// <param name="CiphertextMultiplications">Ciphertext products (each with a relinearization).</param>
/// <param name="Method">How it is evaluated.</param>
public sealed record LayerPlan(string Layer, int InputLength, int OutputLength, int Depth, int LevelAfter, int Rotations, int PlaintextMultiplications, int CiphertextMultiplications, string Method);
