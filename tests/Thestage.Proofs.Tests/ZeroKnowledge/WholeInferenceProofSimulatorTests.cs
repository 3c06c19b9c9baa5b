using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Inference;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Transcripts;
using Xunit.Abstractions;

namespace Thestage.Proofs.Tests.ZeroKnowledge;

/// <summary>
/// The honest-verifier simulator of entire <c>TSIP</c> v3 inference proofs (hiding commitment with an opening budget, <c>TSMC</c> v7: the
/// SDK's default), and χ² tests over every field element of entire proofs.
/// </summary>
/// <remarks>
/// <para>
/// <b>The simulator</b> (<see cref="Simulate"/>) is given the statement — the architecture (layer kinds, shapes, shifts: the plan), the
/// commitment's parameters, the public inputs and the claimed outputs — and the right to program the transcript's challenges
/// (<see cref="ChallengeProgram"/>). It never sees a weight or an activation. It
/// <list type="number">
/// <item><description>commits, with the statement's parameters, the model of that architecture whose weights and biases are all zero (a
/// hiding commitment: its root and range proof are distributed as any model's, <c>LigeroHidingTests</c>, <c>HidingWeightRangeTests</c>);</description></item>
/// <item><description>builds the witness of that zero model on the public inputs — every hidden tensor, limb, remainder, im2col matrix,
/// max-pooling difference and multiplicity is then that of the zero model, all in range — and puts the claimed outputs in place of the zero
/// model's (the public tensor the verifier reads);</description></item>
/// <item><description>runs the honest prover's algorithm on it, with one change, at every zero-check (a layer's relation, a gather): its
/// tables sum to <c>H'</c>, not to the statement's public sum <c>H</c> (the layers that read the claimed output), so the simulator draws
/// the mask weight <c>ρ</c> itself before it sends the mask sum, sends <c>G' = G + (H' − H)/ρ</c> in place of <c>G = Σ g</c>, and programs
/// the oracle so that <c>ρ</c> is the challenge drawn after <c>G'</c>. Then <c>H + ρ·G' = H' + ρ·G</c>: the first round, computed honestly
/// on <c>f + ρ·g</c>, passes, and so does everything after it.</description></item>
/// </list>
/// Everything else is the honest algorithm on the fake witness: the zero-knowledge logUp GKR (the multiplicities are the fake witness's,
/// committed in the pool), every zero-check's rounds on <c>f + ρ·g</c>, the masked claims, the two batchings and the hiding openings of the
/// witness, the weights (mask set 1 of the zero model's budget) and the pool.
/// </para>
/// <para>
/// <b>Why the simulated view is distributed as the real one</b> (honest verifier, random oracle): the challenges are uniform in both (the
/// programmed <c>ρ</c> is drawn uniformly). <c>G'</c> is uniform in both, being <c>Σ g</c> plus a value fixed before <c>g</c>'s uniform
/// constant is drawn. Every other revealed element is masked by fresh uniform randomness of the proof whatever the tables: each round
/// polynomial's coefficients by <c>ρ</c>·<c>g</c>'s (Libra §4.1); every witness claim <c>Ḟ_k(r)</c> and lookup column claim by its own mask
/// segment (<c>MaskedExtension</c>, one functional per mask coefficient); the logUp GKR's layer claims by its masks; the two batched values
/// <c>P̃(s)</c> by the random segments of the witness and of the weight mask set; the openings' rows and columns by the hiding encodings
/// (<c>LigeroHidingTests.Simulate</c>: given its value, an opening is simulated from the programmed <c>γ</c> and columns). So the joint
/// distribution given the statement does not depend on the witness, and the real verifier's acceptance shows the simulator outputs
/// well-formed proofs of the statement; <see cref="SimulatedProofsAreIndistinguishableFromRealOnes"/> compares the two distributions
/// element by element.
/// </para>
/// <para>
/// <b>What it does not simulate</b>: the statement's own model commitment. The simulator verifies its proof against a commitment it made
/// (the commit-and-prove view), because an opening of a given root needs columns whose salted leaf hashes are that root's, which only
/// programming the Merkle hash would give, and the SDK's Merkle hash is not routed through the transcript. The commitment's roots are
/// Merkle roots of uniform salted columns, as any hiding commitment's. Its weight range proof (part of <c>TSMC</c>, made once per model)
/// is another proof kind and is not simulated here: it still reveals its claimed evaluations (docs/proofs.md, "Still revealed"), so the
/// zero model's range proof is not distributed as a real model's; the inference proof adds nothing to what it reveals.
/// </para>
/// </remarks>
public sealed class WholeInferenceProofSimulatorTests(ITestOutputHelper log)
{
    /// <summary>The statement's parameters: the SDK's default (hiding, a budget of 8 openings, <c>TSMC</c> v7).</summary>
    private static readonly LigeroParameters Parameters = LigeroParameters.DefaultHidingWithBudget(CommittedModel.DefaultOpeningBudget);

    /// <summary>
    /// The simulator (see the class remarks): from the statement and the programmed oracle only, a model commitment and a proof that
    /// <see cref="InferenceVerifier"/> accepts while <paramref name="program"/> is the oracle's program.
    /// </summary>
    /// <param name="architecture">The layers, shapes and shifts (the simulator reads no weight of it: <see cref="WithoutWeights"/>).</param>
    /// <param name="parameters">The commitment's parameters.</param>
    /// <param name="inputs">The public inputs.</param>
    /// <param name="outputs">The claimed outputs.</param>
    /// <param name="program">The oracle's program the simulator fills.</param>
    /// <param name="seed">The simulator's randomness (commitment salts, masks).</param>
    internal static (ModelCommitment Commitment, InferenceProof Proof) Simulate(
        QuantizedModel architecture, LigeroParameters parameters, IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs, ChallengeProgram program, int seed)
    {
        QuantizedModel zero = WithoutWeights(architecture);
        CommittedModel committed = CommittedModel.Commit(zero, parameters, new SeededSaltSource(seed));
        CircuitPlan plan = committed.Commitment.Plan(inputs.Count);
        InferenceWitness witness = InferenceWitness.Build(plan, zero, inputs);
        int last = plan.Source[plan.Layers.Length];
        for (int b = 0; b < inputs.Count; b++)
        {
            outputs[b].CopyTo(witness.Outputs[b], 0);
            InferenceWitness.Scatter(plan.Layouts[last], plan.LogBatch, b, Array.ConvertAll(outputs[b], v => (long)v), witness.Tensors[last]);
            InferenceWitness.Scatter(plan.Layouts[last], plan.LogBatch, b, Array.ConvertAll(outputs[b], v => CircuitPlan.Field(v)), witness.FieldTensors[last]);
        }

        ChallengeProgram? before = ChallengeProgram.Current;
        ChallengeProgram.Current = program;
        try
        {
            return (committed.Commitment, InferenceProver.ProveWithWitness(committed, plan, inputs, witness, new SeededSaltSource(seed + 1)));
        }
        finally
        {
            ChallengeProgram.Current = before;
        }
    }

    /// <summary>The architecture of <paramref name="model"/> with every weight and bias zero (what the statement fixes, and nothing else).</summary>
    internal static QuantizedModel WithoutWeights(QuantizedModel model) => new(model.InputShape, model.InputBits, model.InputFractionBits, model.OutputFractionBits,
        [.. model.Layers.Select(l => l.Kind switch
        {
            LayerKind.Dense => QuantizedLayer.Dense(l.InFeatures, l.OutFeatures, new int[l.Weights.Length], new int[l.Bias.Length], l.Shift),
            LayerKind.Conv2d => QuantizedLayer.Conv2d(l.InFeatures, l.OutFeatures, l.KernelHeight, l.KernelWidth, l.Stride, l.Padding, new int[l.Weights.Length], new int[l.Bias.Length], l.Shift),
            _ => l,
        })]);

    /// <summary>Verifies under the program (the simulator's oracle) or under the real oracle (<paramref name="program"/> null).</summary>
    internal static ProofVerdict Check(ModelCommitment commitment, IReadOnlyList<int[]> inputs, IReadOnlyList<int[]> outputs, InferenceProof proof, ChallengeProgram? program)
    {
        ChallengeProgram? before = ChallengeProgram.Current;
        ChallengeProgram.Current = program;
        try
        {
            return InferenceVerifier.CheckBatch(commitment, inputs, outputs, proof, VerifierPolicy.Default);
        }
        finally
        {
            ChallengeProgram.Current = before;
        }
    }

    public static TheoryData<string> Statements => new() { "mlp-16-8-4", "mlp-12-8-8-4-batch-2", "square-relu-batch-3", "cnn-avg-batch-3", "cnn-max-batch-2", "max-pool-last", "lenet5-max", "lenet5-avg", "lenet5-max-batch-2" };

    /// <summary>A statement's architecture (a real model, of which only the architecture is handed to the simulator), inputs and true outputs.</summary>
    private static (QuantizedModel Model, List<int[]> Inputs) Statement(string name)
    {
        if (name.StartsWith("lenet5", StringComparison.Ordinal))
        {
            bool maxPooling = name.StartsWith("lenet5-max", StringComparison.Ordinal);
            var random = new Random(maxPooling ? 1310 : 1311);
            Sequential source = TestModels.LeNet5(random, maxPooling);
            List<double[]> calibration = TestModels.Inputs(random, source.InputShape, 4);
            QuantizedModel model = Quantizer.Quantize(source, calibration, 8);
            return (model, [.. calibration.Take(name.EndsWith("batch-2", StringComparison.Ordinal) ? 2 : 1).Select(x => model.QuantizeInput(x))]);
        }

        (CommittedModel committed, List<int[]> inputs) = name == "max-pool-last"
            ? MaxPoolProofTests.Model(8320, 1, 6, 2, reluAfter: false, poolLast: true, parameters: LigeroParameters.NonHidingForBenchmarks)
            : ZeroKnowledgeClaimsInferenceTests.Model(name, LigeroParameters.NonHidingForBenchmarks);
        return (committed.Model, inputs);
    }

    /// <summary>
    /// For each statement (MLPs at batch 1, 2 and 3, a Square and a ReLU with a public output, CNNs with average and max pooling, a max pooling
    /// whose output is public, LeNet-5 with max and with average pooling, and with max pooling at batch 2): the simulated proof is a <c>TSIP</c> v3 proof over a <c>TSMC</c> v7
    /// commitment, the real <see cref="InferenceVerifier"/> accepts it (also after a <c>TSIP</c> round trip) when the oracle answers as
    /// programmed, and refuses it under the real oracle — the simulator's commitment does not map the inputs to the claimed outputs, so what
    /// makes the proof pass is the programming, as it must be for a simulator that is not a forger.
    /// </summary>
    [Theory]
    [MemberData(nameof(Statements))]
    public void SimulatedProofsOfEveryStatementAreAcceptedByTheRealVerifier(string name)
    {
        (QuantizedModel model, List<int[]> inputs) = Statement(name);
        List<int[]> outputs = [.. inputs.Select(x => IntegerEvaluator.Evaluate(model, x))];
        QuantizedModel zero = WithoutWeights(model);
        Assert.Contains(inputs, x => !IntegerEvaluator.Evaluate(zero, x).SequenceEqual(outputs[inputs.IndexOf(x)]));

        var program = new ChallengeProgram(new SeededWordSource(8330));
        (ModelCommitment commitment, InferenceProof proof) = Simulate(model, Parameters, inputs, outputs, program, 8331);
        Assert.True(commitment.HiddenWeights);
        Assert.True(proof.HidesClaims);
        Assert.True(program.Count > 0);

        Assert.True(Check(commitment, inputs, outputs, proof, program).IsAccepted, Check(commitment, inputs, outputs, proof, program).ToString());
        InferenceProof roundTripped = InferenceProofSerializer.Deserialize(InferenceProofSerializer.Serialize(proof));
        Assert.True(Check(commitment, inputs, outputs, roundTripped, program).IsAccepted);
        ProofVerdict real = Check(commitment, inputs, outputs, proof, null);
        Assert.Equal(RejectionReason.Relation, real.Reason);
    }

    /// <summary>
    /// Two weight sets with one public statement on the 8-8-8 MLP: input <c>(40, 0, …)</c>; the first maps it by weight 1 in column 0 to the
    /// hidden constant 10 and by zero weights and bias 7 to the output 7, the second by weight 2 to 20 and by weight 1 and bias −13 to 7. So the
    /// weights, the biases and the hidden activations all differ, the statement (architecture, shifts, input, output) does not, and the two
    /// commitments differ only as hiding commitments do. 20 proofs each, each over a fresh commitment of its weight set (a budget of 2: the
    /// range proof and this proof, so the statement's parameters are the SDK's budgeted kind, <c>TSMC</c> v7, at its smallest size); every
    /// field element of each entire proof, per class (<see cref="RevealedElements"/>). Hiding (<c>TSIP</c> v3 over <c>TSMC</c> v7): no class
    /// tells them apart; plain (<see cref="LigeroParameters.NonHidingForBenchmarks"/>, <c>TSIP</c> v1): some class does, so the test can fail.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryRevealedElementOfEntireProofsOfTwoWeightSetsIsIndistinguishableOnlyWhenHiding(bool hiding)
    {
        const int Proofs = 20;
        int[] input = [40, 0, 0, 0, 0, 0, 0, 0];
        LigeroParameters parameters = hiding ? LigeroParameters.DefaultHidingWithBudget(2) : LigeroParameters.NonHidingForBenchmarks;
        var revealed = new RevealedElements();
        for (int p = 0; p < Proofs; p++)
        {
            foreach (bool isFirst in new[] { true, false })
            {
                int seed = 42_000 + (4 * p) + (isFirst ? 0 : 2);
                CommittedModel model = CommittedModel.Commit(TwoWeightSets(second: !isFirst), parameters, new SeededSaltSource(seed));
                (int[] output, InferenceProof proof) = InferenceProver.Prove(model, input, new SeededSaltSource(seed + 1));
                Assert.Equal([7, 7, 7, 7, 7, 7, 7, 7], output);
                Assert.Equal(hiding, proof.HidesClaims);
                Assert.True(InferenceVerifier.Verify(model.Commitment, input, output, proof));
                revealed.Add(isFirst, proof);
            }
        }

        log.WriteLine(revealed.Report());
        Assert.True(hiding != revealed.AnyDistinguishes, revealed.Report());
    }

    /// <summary>
    /// The simulator's proofs against real ones, for the statement of <see cref="EveryRevealedElementOfEntireProofsOfTwoWeightSetsIsIndistinguishableOnlyWhenHiding"/>
    /// with a budget of 2: 20 real proofs of the first weight set, each over a fresh commitment of it, against 20 simulated ones from the
    /// statement alone, each with its own simulated commitment and program. No class of revealed elements tells them apart.
    /// </summary>
    [Fact]
    public void SimulatedProofsAreIndistinguishableFromRealOnes()
    {
        const int Proofs = 20;
        int[] input = [40, 0, 0, 0, 0, 0, 0, 0];
        LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(2);
        QuantizedModel model = TwoWeightSets(second: false);
        int[] output = IntegerEvaluator.Evaluate(model, input);
        var revealed = new RevealedElements();
        for (int p = 0; p < Proofs; p++)
        {
            CommittedModel real = CommittedModel.Commit(model, parameters, new SeededSaltSource(43_000 + (2 * p)));
            (_, InferenceProof proof) = InferenceProver.Prove(real, input, new SeededSaltSource(43_001 + (2 * p)));
            revealed.Add(true, proof);

            var program = new ChallengeProgram(new SeededWordSource(44_000 + p));
            (ModelCommitment commitment, InferenceProof simulated) = Simulate(model, parameters, [input], [output], program, 45_000 + (2 * p));
            Assert.True(Check(commitment, [input], [output], simulated, program).IsAccepted);
            revealed.Add(false, simulated);
        }

        log.WriteLine(revealed.Report());
        Assert.False(revealed.AnyDistinguishes, revealed.Report());
    }

    /// <summary>The two weight sets of one statement (see <see cref="EveryRevealedElementOfEntireProofsOfTwoWeightSetsIsIndistinguishableOnlyWhenHiding"/>).</summary>
    private static QuantizedModel TwoWeightSets(bool second)
    {
        var w1 = new int[8 * 8];
        var w2 = new int[8 * 8];
        for (int o = 0; o < 8; o++)
        {
            w1[o * 8] = second ? 2 : 1;
            w2[o * 8] = second ? 1 : 0;
        }

        return new QuantizedModel(Shape.Vector(8), 8, 0, 0,
        [
            QuantizedLayer.Dense(8, 8, w1, new int[8], 2),
            QuantizedLayer.ReLU(),
            QuantizedLayer.Dense(8, 8, w2, Enumerable.Repeat(second ? -13 : 7, 8).ToArray(), 0),
        ]);
    }
}
