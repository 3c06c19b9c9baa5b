using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>
/// A Basefold opening: the sumcheck round messages (<c>g_i(0), g_i(2)</c> per round), the roots of the layers committed while
/// folding, the final polynomial's coefficients and the opened leaves of every layer (<see cref="BasefoldVerifier"/>).
/// </summary>
/// <typeparam name="TExt">The extension field of the challenges.</typeparam>
internal sealed class BasefoldOpening<TExt>
    where TExt : struct, IExtensionField<TExt>
{
    /// <summary>Initializes an opening (the arrays are adopted, not copied).</summary>
    public BasefoldOpening(TExt[] roundMessages, Digest256[] layerRoots, TExt[] finalCoefficients, BasefoldLayerOpening[] layers, TExt? maskValue = null)
    {
        MaskValue = maskValue;
        RoundMessages = roundMessages;
        LayerRoots = layerRoots;
        FinalCoefficients = finalCoefficients;
        Layers = layers;
    }

    /// <summary>Gets the mask table's value <c>g̃(z, 0^e)</c> of a hiding opening; null when plain.</summary>
    public TExt? MaskValue { get; }

    /// <summary>Gets the round messages, two per round.</summary>
    public TExt[] RoundMessages { get; }

    /// <summary>Gets the roots of layers <c>1 … G − 1</c>.</summary>
    public Digest256[] LayerRoots { get; }

    /// <summary>Gets the <c>2^ℓ</c> coefficients of the final polynomial (see <see cref="BasefoldFolding"/>).</summary>
    public TExt[] FinalCoefficients { get; }

    /// <summary>Gets the opened leaves of layers <c>0 … G − 1</c>.</summary>
    public BasefoldLayerOpening[] Layers { get; }
}
