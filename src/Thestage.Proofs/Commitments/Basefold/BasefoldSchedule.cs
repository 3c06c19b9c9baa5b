namespace Thestage.Proofs.Commitments.Basefold;

/// <summary>
/// The folding schedule both roles derive from the parameters and the committed polynomial's variables <c>v</c> (<c>v + e</c> when
/// hiding): <c>ℓ = min(FinalVariables, v − 1)</c> variables
/// sent in clear, <c>R = v − ℓ</c> rounds grouped into layers of at most <c>2^LogArity</c> binary folds.
/// </summary>
/// <remarks>
/// Layer <c>g</c> is a codeword of length <c>n_g = 2^(v + LogBlowup − Σ_(h&lt;g) a_h)</c> on the coset <c>s^(2^Σa)·H_(n_g)</c>
/// (<c>s</c> = <see cref="Fields.GoldilocksNtt.CosetShift"/>), seen as the row-major <c>2^(a_g) × L_g</c> matrix,
/// <c>L_g = n_g / 2^(a_g)</c>: leaf <c>j</c> is column <c>j</c>, the values at positions <c>j + m·L_g</c>, a coset of the
/// <c>2^(a_g)</c>-th roots of unity, which its <c>a_g</c> folds reduce to position <c>j</c> of layer <c>g + 1</c> (length <c>L_g</c>).
/// Layer 0 is the commitment; layers <c>1 … G − 1</c> are committed during the opening; the last layer's folds are compared
/// with the final polynomial on the domain of length <c>L_(G−1)</c>.
/// </remarks>
internal sealed class BasefoldSchedule
{
    private readonly int[] _logArity;
    private readonly int[] _logLength;

    /// <summary>Initializes the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The parameters do not support <paramref name="numVariables"/>.</exception>
    public BasefoldSchedule(BasefoldParameters parameters, int numVariables)
    {
        if (!parameters.Supports(numVariables))
        {
            throw new ArgumentOutOfRangeException(nameof(numVariables), $"{numVariables} variables are outside [1, {BasefoldParameters.MaxVariables}] or the codeword would exceed 2^{BasefoldParameters.MaxLogCodeword}.");
        }

        NumVariables = parameters.CommittedVariables(numVariables);
        FinalVariables = Math.Min(parameters.FinalVariables, NumVariables - 1);
        Rounds = NumVariables - FinalVariables;
        LayerCount = (Rounds + parameters.LogArity - 1) / parameters.LogArity;
        _logArity = new int[LayerCount];
        _logLength = new int[LayerCount + 1];
        _logLength[0] = NumVariables + parameters.LogBlowup;
        int remaining = Rounds;
        for (int g = 0; g < LayerCount; g++)
        {
            _logArity[g] = Math.Min(parameters.LogArity, remaining);
            remaining -= _logArity[g];
            _logLength[g + 1] = _logLength[g] - _logArity[g];
        }
    }

    /// <summary>Gets the committed polynomial's variables: <c>v</c>, or <c>v + e</c> when hiding (<see cref="BasefoldParameters.MaskVariables"/>).</summary>
    public int NumVariables { get; }

    /// <summary>Gets <c>ℓ</c>, the variables of the final polynomial.</summary>
    public int FinalVariables { get; }

    /// <summary>Gets <c>R = v − ℓ</c>, the sumcheck rounds and binary folds.</summary>
    public int Rounds { get; }

    /// <summary>Gets <c>G</c>, the committed layers (layer 0 is the commitment).</summary>
    public int LayerCount { get; }

    /// <summary>The binary folds <c>a_g</c> of layer <paramref name="layer"/>.</summary>
    public int LogArity(int layer) => _logArity[layer];

    /// <summary>The values per leaf <c>2^(a_g)</c>.</summary>
    public int LeafWidth(int layer) => 1 << _logArity[layer];

    /// <summary><c>log2 n_g</c>; <c>g = G</c> is the final domain.</summary>
    public int LogLayerLength(int layer) => _logLength[layer];

    /// <summary>The codeword length <c>n_g</c>; <c>g = G</c> is the final domain.</summary>
    public int LayerLength(int layer) => 1 << _logLength[layer];

    /// <summary>The leaves <c>L_g = n_(g+1)</c>.</summary>
    public int LeafCount(int layer) => 1 << _logLength[layer + 1];

    /// <summary>The index of the first round folded by layer <paramref name="layer"/>.</summary>
    public int FirstRound(int layer)
    {
        int round = 0;
        for (int g = 0; g < layer; g++)
        {
            round += _logArity[g];
        }

        return round;
    }
}
