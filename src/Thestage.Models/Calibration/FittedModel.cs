namespace Thestage.Models;

/// <summary>A model whose exact activations were replaced by fitted polynomials (<see cref="ActivationFitter"/>), with what was fitted.</summary>
/// <param name="Model">The polynomial model.</param>
/// <param name="Fits">One fit per replaced layer, in layer order.</param>
public sealed record FittedModel(Sequential Model, IReadOnlyList<ActivationFit> Fits);
