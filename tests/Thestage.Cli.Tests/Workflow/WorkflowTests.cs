using System.Security.Cryptography;
using System.Text.Json;

namespace Thestage.Cli.Tests.Workflow;

/// <summary>
/// The file-based workflow end to end through the built command, on the ONNX fixtures of tests/Vectors/onnx: only files
/// travel between the verbs, and every verb's <c>--json</c> result is one object with its figures.
/// </summary>
[Collection(WorkflowCollection.Name)]
public sealed class WorkflowTests(WorkflowFixture fixture)
{
    [Fact]
    public void The_square_mlp_goes_through_every_verb_and_decrypts_to_the_plain_outputs()
    {
        WorkflowFixture.Run run = fixture.Mlp;
        WorkflowFixture.AssertAgree(WorkflowFixture.ReadCsv(run.Predicted), WorkflowFixture.ReadCsv(run.Decrypted), tolerance: 0.5);

        JsonElement compile = run.Results["compile"];
        Assert.Equal(8192, compile.GetProperty("ckks").GetProperty("n").GetInt32());
        Assert.Equal("batch", compile.GetProperty("ckks").GetProperty("packing").GetString());
        Assert.Equal(100, compile.GetProperty("calibrationSamples").GetInt32());
        Assert.Equal(1.0, compile.GetProperty("ckks").GetProperty("encryptedVersusExact").GetProperty("argmaxAgreement").GetDouble());
        JsonElement proofs = compile.GetProperty("proofs");
        Assert.True(proofs.GetProperty("available").GetBoolean());
        string commitment = Path.Combine(run.Package, "model.tsmc");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(commitment))), proofs.GetProperty("fingerprint").GetString());
        Assert.InRange(proofs.GetProperty("soundnessBits").GetDouble(), 100, 128);
        Assert.Equal(File.ReadAllBytes(Path.Combine(run.Package, "plan.tspl")), File.ReadAllBytes(Path.Combine(run.Keys, "plan.tspl")));

        Assert.Equal(4, run.Results["predict"].GetProperty("samples").GetInt32());
        Assert.Equal(10, run.Results["predict"].GetProperty("outputSize").GetInt32());
        Assert.Equal(0, run.Results["keys"].GetProperty("galoisKeys").GetInt32());
        Assert.Equal(new FileInfo(Path.Combine(run.Keys, "evaluation.keys")).Length, run.Results["keys"].GetProperty("evaluationKeyBytes").GetInt64());
        Assert.Equal(4, run.Results["encrypt"].GetProperty("samples").GetInt32());
        Assert.Equal(new FileInfo(run.Request).Length, run.Results["encrypt"].GetProperty("requestBytes").GetInt64());
        Assert.Equal(new FileInfo(run.Response).Length, run.Results["eval"].GetProperty("responseBytes").GetInt64());
        Assert.Equal(4, run.Results["decrypt"].GetProperty("samples").GetInt32());
        Assert.All(run.Results.Values, r => Assert.True(r.GetProperty("passed").GetBoolean()));

        JsonElement verify = run.Results["verify"];
        Assert.True(verify.GetProperty("valid").GetBoolean());
        Assert.Equal(4, verify.GetProperty("samples").GetInt32());
        Assert.Equal(proofs.GetProperty("fingerprint").GetString(), verify.GetProperty("fingerprint").GetString());
        Assert.Equal(run.Results["prove"].GetProperty("outputs").ToString(), verify.GetProperty("outputs").ToString());
    }

    [Fact]
    public void The_secrets_are_readable_by_their_owner_only_and_the_public_files_hold_no_secret()
    {
        WorkflowFixture.Run run = fixture.Mlp;
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(run.Keys, "secret.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(run.Package, "commitment.seed")));
        }

        byte[] seed = File.ReadAllBytes(Path.Combine(run.Package, "commitment.seed"))[6..];
        Assert.Equal(32, seed.Length);
        foreach (string published in new[] { Path.Combine(run.Package, "model.tsmc"), Path.Combine(run.Package, "plan.tspl"), run.Proof })
        {
            Assert.Equal(-1, File.ReadAllBytes(published).AsSpan().IndexOf(seed));
        }
    }

    [Fact]
    public void Prove_runs_again_from_the_seed_and_the_commitment_alone_verifies_it()
    {
        WorkflowFixture.Run run = fixture.Mlp;
        string dir = Path.Combine(fixture.Directory, "again");
        Directory.CreateDirectory(dir);
        string proof = Path.Combine(dir, "proof.tspb"), published = Path.Combine(dir, "published.tsmc");
        File.Copy(Path.Combine(run.Package, "model.tsmc"), published);

        JsonElement prove = WorkflowFixture.Json("prove", "--model", run.Package, "--input", fixture.Samples, "--out", proof);
        JsonElement verify = WorkflowFixture.Json("verify", "--model", published, "--proof", proof);

        Assert.NotEqual(File.ReadAllBytes(run.Proof), File.ReadAllBytes(proof));   // a fresh witness commitment
        Assert.Equal(run.Results["prove"].GetProperty("outputs").ToString(), prove.GetProperty("outputs").ToString());
        Assert.True(verify.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public void A_client_holding_only_the_plan_file_makes_keys()
    {
        WorkflowFixture.Run run = fixture.Mlp;
        string dir = Path.Combine(fixture.Directory, "client");
        Directory.CreateDirectory(dir);
        string plan = Path.Combine(dir, "received.tspl");
        File.Copy(Path.Combine(run.Package, "plan.tspl"), plan);

        JsonElement keys = WorkflowFixture.Json("keys", "--plan", plan, "--out", Path.Combine(dir, "keys"));

        Assert.Equal(run.Results["keys"].GetProperty("planFingerprint").GetString(), keys.GetProperty("planFingerprint").GetString());
        Assert.Equal(["evaluation.keys", "plan.tspl", "secret.key"], Directory.GetFiles(Path.Combine(dir, "keys")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_square_cnn_with_row_packing_decrypts_to_the_plain_outputs()
    {
        WorkflowFixture.Run run = fixture.RunWorkflow("cnn_square_opset11", "row", "cnn");
        WorkflowFixture.AssertAgree(WorkflowFixture.ReadCsv(run.Predicted), WorkflowFixture.ReadCsv(run.Decrypted), tolerance: 0.5);
        Assert.Equal("row", run.Results["compile"].GetProperty("ckks").GetProperty("packing").GetString());
        Assert.True(run.Results["compile"].GetProperty("ckks").GetProperty("galoisKeys").GetInt32() > 0);
        Assert.True(run.Results["verify"].GetProperty("valid").GetBoolean());
    }

    [Fact]
    public void The_relu_mlps_proof_attests_int8_outputs_with_the_plain_models_argmax()
    {
        string dir = Path.Combine(fixture.Directory, "relu");
        string predicted = Path.Combine(dir, "p.csv"), package = Path.Combine(dir, "pkg"), proof = Path.Combine(dir, "proof.tspb");
        WorkflowFixture.Json("predict", WorkflowFixture.Model("mlp_relu_opset13"), "--input", fixture.Samples, "--out", predicted);
        JsonElement compile = WorkflowFixture.Json("compile", WorkflowFixture.Model("mlp_relu_opset13"), "--calibration", fixture.Calibration, "--out", package);
        JsonElement prove = WorkflowFixture.Json("prove", "--model", package, "--input", fixture.Samples, "--out", proof);
        JsonElement verify = WorkflowFixture.Json("verify", "--model", package, "--proof", proof);

        Assert.Equal(1.0, compile.GetProperty("proofs").GetProperty("agreement").GetProperty("argmaxAgreement").GetDouble());
        Assert.True(verify.GetProperty("valid").GetBoolean());
        double[][] proven = [.. verify.GetProperty("outputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];
        WorkflowFixture.AssertAgree(WorkflowFixture.ReadCsv(predicted), proven, tolerance: 0.5);
        Assert.Equal(1.0, prove.GetProperty("versusExact").GetProperty("argmaxAgreement").GetDouble());
    }

    [Fact]
    public void A_model_without_a_fixed_point_form_compiles_for_ckks_and_says_why_it_cannot_be_proven()
    {
        string package = Path.Combine(fixture.Directory, "sigmoid");
        JsonElement compile = WorkflowFixture.Json("compile", WorkflowFixture.Model("mlp_matmul_opset21"), "--calibration", fixture.Calibration, "--out", package);

        Assert.False(compile.GetProperty("proofs").GetProperty("available").GetBoolean());
        Assert.Contains("sigmoid", compile.GetProperty("proofs").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(["model.tspk", "plan.tspl"], Directory.GetFiles(package).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", package, "--input", fixture.Samples, "--out", Path.Combine(package, "p")), exitCode: 1);
        Assert.Contains("no fixed-point form for proofs", error, StringComparison.Ordinal);
    }
}
