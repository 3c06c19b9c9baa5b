using System.Text.Json;
using Thestage.Inference.Compilation;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Cli.Tests.Workflow;

/// <summary>
/// <c>compile --hiding --opening-budget B</c>, then <c>prove</c> until the budget is used up: every proof verifies and opens the
/// weights with a mask set of its own, the count file (<c>commitment.openings</c>) advances before a proof is written. A compile
/// without options is hiding with the SDK's default budget (<c>--hiding</c> changes nothing), and the plain workflow is kept,
/// unchanged, behind <c>--non-hiding-for-benchmarks</c>.
/// </summary>
[Collection(WorkflowCollection.Name)]
public sealed class OpeningBudgetTests(WorkflowFixture fixture)
{
    [Fact]
    public void A_budget_of_three_gives_two_valid_proofs_with_their_own_mask_sets_then_prove_refuses()
    {
        (string package, JsonElement compile) = fixture.Budgeted("budget-3", 3);
        JsonElement proofs = compile.GetProperty("proofs");
        Assert.True(proofs.GetProperty("hiding").GetBoolean());
        Assert.Equal(3, proofs.GetProperty("openingBudget").GetInt32());
        Assert.Equal(2, proofs.GetProperty("proofsRemaining").GetInt32());
        Assert.InRange(proofs.GetProperty("soundnessBits").GetDouble(), 100, 128);
        Assert.Equal(WorkflowFixture.Count(package, 1, 3), File.ReadAllText(WorkflowFixture.CountFile(package)));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(WorkflowFixture.CountFile(package)));
        }

        string[] proofFiles = [.. Enumerable.Range(1, 3).Select(i => Path.Combine(package, "..", $"proof{i}.tspb"))];
        for (int i = 0; i < 2; i++)
        {
            JsonElement prove = WorkflowFixture.Json("prove", "--model", package, "--input", fixture.Samples, "--out", proofFiles[i]);
            Assert.Equal(i + 2, prove.GetProperty("openingsUsed").GetInt32());
            Assert.Equal(1 - i, prove.GetProperty("proofsRemaining").GetInt32());
            Assert.Equal(WorkflowFixture.Count(package, i + 2, 3), File.ReadAllText(WorkflowFixture.CountFile(package)));
            Assert.All(WorkflowFixture.MaskSets(proofFiles[i]), set => Assert.Equal(i + 1, set));   // set 0 is the range proof's
        }

        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", package, "--input", fixture.Samples, "--out", proofFiles[2]), exitCode: 1);
        Assert.Contains("the opening budget is used up (3 of 3 openings", error, StringComparison.Ordinal);
        Assert.False(File.Exists(proofFiles[2]));
        Assert.Equal(WorkflowFixture.Count(package, 3, 3), File.ReadAllText(WorkflowFixture.CountFile(package)));

        foreach (string proof in proofFiles[..2])
        {
            JsonElement verify = WorkflowFixture.Json("verify", "--model", Path.Combine(package, "model.tsmc"), "--proof", proof);
            Assert.True(verify.GetProperty("valid").GetBoolean());
            Assert.InRange(verify.GetProperty("soundnessBits").GetDouble(), 100, 128);
        }
    }

    [Fact]
    public void Compile_commits_what_the_library_commits_from_the_seed_hiding_with_the_default_budget_and_plain_only_for_benchmarks()
    {
        string byDefault = fixture.Mlp.Package;
        (string budgeted, _) = fixture.Budgeted("library", 4);
        string hidingFlag = Path.Combine(fixture.Directory, "hiding-flag", "pkg"), plain = Path.Combine(fixture.Directory, "plain", "pkg");
        WorkflowFixture.Json("compile", WorkflowFixture.Model("mlp_square_opset9"), "--calibration", fixture.Calibration, "--out", hidingFlag, "--packing", "batch", "--hiding");
        JsonElement plainCompile = WorkflowFixture.Json("compile", WorkflowFixture.Model("mlp_square_opset9"), "--calibration", fixture.Calibration, "--out", plain, "--packing", "batch", "--non-hiding-for-benchmarks");

        // The default, and --hiding alone (a no-op kept for scripts): what CommittedModel.Commit(model, seed) commits, hiding with its budget.
        foreach (string package in new[] { byDefault, hidingFlag })
        {
            Assert.Equal(Recommitted(package, null), File.ReadAllBytes(Path.Combine(package, "model.tsmc")));
            ModelCommitment commitment = ModelCommitmentSerializer.Deserialize(File.ReadAllBytes(Path.Combine(package, "model.tsmc")));
            Assert.True(commitment.Parameters.Hiding);
            Assert.Equal(CommittedModel.DefaultOpeningBudget, commitment.OpeningBudget);
            Assert.Contains("commitment.openings", Directory.GetFiles(package).Select(Path.GetFileName));
        }

        // What compile writes (the fixture's package has been proven since, which left prove's lock file beside them).
        Assert.Equal(["commitment.openings", "commitment.seed", "model.tsmc", "model.tspk", "plan.tspl"], Directory.GetFiles(hidingFlag).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        JsonElement proofs = fixture.Mlp.Results["compile"].GetProperty("proofs");
        Assert.True(proofs.GetProperty("hiding").GetBoolean());
        Assert.Equal(CommittedModel.DefaultOpeningBudget, proofs.GetProperty("openingBudget").GetInt32());
        Assert.Equal(CommittedModel.DefaultOpeningBudget - 2, fixture.Mlp.Results["prove"].GetProperty("proofsRemaining").GetInt32());
        Assert.All(WorkflowFixture.MaskSets(fixture.Mlp.Proof), set => Assert.Equal(1, set));
        Assert.True(fixture.Mlp.Results["verify"].GetProperty("hiding").GetBoolean());
        Assert.Equal(Recommitted(budgeted, LigeroParameters.DefaultHidingWithBudget(4)), File.ReadAllBytes(Path.Combine(budgeted, "model.tsmc")));

        // Plain only when asked by name: the commitment of before (TSMC v3), no count file, proofs without mask sets.
        Assert.Equal(Recommitted(plain, LigeroParameters.NonHidingForBenchmarks), File.ReadAllBytes(Path.Combine(plain, "model.tsmc")));
        Assert.Equal(3, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(Path.Combine(plain, "model.tsmc")).AsSpan(4)));
        Assert.Equal(["commitment.seed", "model.tsmc", "model.tspk", "plan.tspl"], Directory.GetFiles(plain).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(plainCompile.GetProperty("proofs").GetProperty("hiding").GetBoolean());
        string plainProof = Path.Combine(plain, "..", "proof.tspb");
        JsonElement prove = WorkflowFixture.Json("prove", "--model", plain, "--input", fixture.Samples, "--out", plainProof);
        Assert.Equal(JsonValueKind.Null, prove.GetProperty("proofsRemaining").ValueKind);
        Assert.All(WorkflowFixture.MaskSets(plainProof), set => Assert.Null(set));
        JsonElement verify = WorkflowFixture.Json("verify", "--model", plain, "--proof", plainProof);
        Assert.True(verify.GetProperty("valid").GetBoolean());
        Assert.False(verify.GetProperty("hiding").GetBoolean());

        // A verifier that requires zero-knowledge refuses the plain proof (exit 1) and accepts the default one.
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", plain, "--proof", plainProof, "--require-zero-knowledge"), exitCode: 1);
        Assert.Contains("plain commitment (not zero-knowledge)", error, StringComparison.Ordinal);
        Assert.True(WorkflowFixture.Json("verify", "--model", byDefault, "--proof", fixture.Mlp.Proof, "--require-zero-knowledge").GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData(new[] { "--non-hiding-for-benchmarks", "--hiding" }, "--non-hiding-for-benchmarks excludes --hiding")]
    [InlineData(new[] { "--non-hiding-for-benchmarks", "--opening-budget", "3" }, "--opening-budget applies to a hiding commitment; drop --non-hiding-for-benchmarks")]
    [InlineData(new[] { "--hiding", "--opening-budget", "1" }, "--opening-budget takes an integer in [2, 64]; got '1'")]
    [InlineData(new[] { "--opening-budget", "65" }, "--opening-budget takes an integer in [2, 64]; got '65'")]
    public void A_plain_commitment_with_hiding_options_or_a_budget_outside_what_verify_accepts_exits_two_before_compiling(string[] options, string message)
    {
        string package = Path.Combine(fixture.Directory, "budget-usage", "pkg");
        string error = ThestageProcess.AssertOneLineError(
            ThestageProcess.Run(["compile", WorkflowFixture.Model("mlp_square_opset9"), "--calibration", fixture.Calibration, "--out", package, .. options]), exitCode: 2);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(package));
    }

    [Fact]
    public void Prove_records_the_advanced_count_before_it_writes_the_proof()
    {
        (string package, _) = fixture.Budgeted("count-first", 3);
        string blocker = Path.Combine(package, "..", "not-a-directory");
        File.WriteAllText(blocker, "a file where the proof's directory would be");
        string proof = Path.Combine(blocker, "proof.tspb");   // writing the proof fails after proving

        ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", package, "--input", fixture.Samples, "--out", proof), exitCode: 1);

        Assert.False(File.Exists(proof));
        Assert.Equal(WorkflowFixture.Count(package, 2, 3), File.ReadAllText(WorkflowFixture.CountFile(package)));   // the opening is spent, never handed out again
        Assert.Empty(Directory.GetFiles(package, "*.tmp"));
    }

    [Fact]
    public void A_rolled_back_count_cannot_be_noticed_and_reuses_a_mask_set_so_the_count_is_secret_state_like_the_seed()
    {
        (string package, _) = fixture.Budgeted("rolled-back", 3);
        string first = Path.Combine(package, "..", "first.tspb"), second = Path.Combine(package, "..", "second.tspb");
        string before = File.ReadAllText(WorkflowFixture.CountFile(package));
        WorkflowFixture.Json("prove", "--model", package, "--input", fixture.Samples, "--out", first);
        File.WriteAllText(WorkflowFixture.CountFile(package), before);   // a backup restored: the prover's state goes back

        WorkflowFixture.Json("prove", "--model", package, "--input", fixture.Samples, "--out", second);

        // Both proofs verify and name mask set 1: two openings under one mask set, the leak of
        // Proofs.Tests/Attacks/RepeatedOpeningWeightRecoveryAttackTests. Only the count file stood between them.
        Assert.Equal(WorkflowFixture.MaskSets(first), WorkflowFixture.MaskSets(second));
        Assert.All(WorkflowFixture.MaskSets(second), set => Assert.Equal(1, set));
        Assert.True(WorkflowFixture.Json("verify", "--model", package, "--proof", second).GetProperty("valid").GetBoolean());
    }

    private static byte[] Recommitted(string package, LigeroParameters? parameters)
    {
        ModelPackage model = ModelPackage.FromBytes(File.ReadAllBytes(Path.Combine(package, "model.tspk")));
        QuantizedModel quantized = Quantizer.Quantize(model.Source, model.Calibration);
        using ModelCommitmentSeed seed = ModelCommitmentSeed.FromBytes(File.ReadAllBytes(Path.Combine(package, "commitment.seed")));
        return ModelCommitmentSerializer.Serialize(CommittedModel.Commit(quantized, seed, parameters).Commitment);
    }
}
