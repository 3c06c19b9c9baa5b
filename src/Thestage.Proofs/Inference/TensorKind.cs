namespace Thestage.Proofs.Inference;

/// <summary>How a tensor of the inference circuit is known to the verifier.</summary>
internal enum TensorKind
{
    /// <summary>The public input batch.</summary>
    Input = 0,

    /// <summary>The public output batch.</summary>
    Public = 1,

    /// <summary>A requantized intermediate, committed through its limb decomposition.</summary>
    Committed = 2,

    /// <summary>A ReLU output, never committed: claims on it are reduced by a sumcheck to its input.</summary>
    Virtual = 3,
}
