namespace Thestage.Proofs.Sumcheck;

/// <summary>Transcript labels shared by the sumcheck prover and verifier.</summary>
internal static class SumcheckLabels
{
    public const string NumVariables = "sumcheck/num-variables";
    public const string Degree = "sumcheck/degree";
    public const string ClaimedSum = "sumcheck/claimed-sum";
    public const string Round = "sumcheck/round-polynomial";
    public const string Challenge = "sumcheck/challenge";
    public const string FactorEvaluations = "sumcheck/factor-evaluations";
    public const string MaskChunk = "sumcheck/mask-chunk";
    public const string MaskSum = "sumcheck/mask-sum";
    public const string MaskWeight = "sumcheck/mask-weight";
    public const string MaskValue = "sumcheck/mask-value";
    public const string MaskBatch = "sumcheck/mask-batch";
    public const string MaskedFactors = "sumcheck/masked-factors";
    public const string Terms = "sumcheck/terms";
}
