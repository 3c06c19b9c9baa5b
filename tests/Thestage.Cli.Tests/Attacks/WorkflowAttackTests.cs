using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Thestage.Cli.Tests.Workflow;

namespace Thestage.Cli.Tests.Attacks;

/// <summary>
/// Hostile files given to the workflow's verbs — every CSV and artifact is another party's — and the answers they must get:
/// exit code 1 (or 2 for a command line that cannot run) with one line on standard error, before anything large is read or
/// allocated, and for <c>verify</c> a refusal of every proof that is not the honest one for the published commitment.
/// </summary>
[Collection(WorkflowCollection.Name)]
public sealed class WorkflowAttackTests(WorkflowFixture fixture)
{
    private static readonly string Row = string.Join(',', Enumerable.Range(0, 64).Select(i => (i / 64.0).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static TheoryData<string, string, string> MalformedCsv => new()
    {
        { "a value that is not a number", Row + "\n" + Row.Replace("0.5,", "0.5x,", StringComparison.Ordinal) + "\n", "Line 2, value 33: '0.5x' is not a number" },
        { "a row of the wrong width", Row + "\n" + Row[..Row.LastIndexOf(',')] + "\n", "Line 2 has 63 values; 64 are expected" },
        { "a blank line", Row + "\n\n" + Row + "\n", "Line 2 is empty" },
        { "a header", "x0,x1\n" + Row + "\n", "Line 1 has 2 values" },
        { "NaN", Row.Replace("0,", "NaN,", StringComparison.Ordinal) + "\n", "'NaN' is not finite" },
        { "an empty file", "", "No samples" },
    };

    [Theory]
    [MemberData(nameof(MalformedCsv))]
    public void MalformedCsv_EveryVerbThatReadsOne_ExitsOneNamingTheLine(string what, string text, string message)
    {
        string csv = Write($"bad-{what.Replace(' ', '-')}.csv", text);
        WorkflowFixture.Run run = fixture.Mlp;
        string[][] commands =
        [
            ["predict", WorkflowFixture.Model("mlp_square_opset9"), "--input", csv, "--out", Out("p.csv")],
            ["compile", WorkflowFixture.Model("mlp_square_opset9"), "--calibration", csv, "--out", Out("pkg")],
            ["encrypt", "--keys", run.Keys, "--input", csv, "--out", Out("r.tsrq")],
            ["prove", "--model", run.Package, "--input", csv, "--out", Out("p.tspb")],
        ];
        foreach (string[] command in commands)
        {
            string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run(command), exitCode: 1);
            Assert.Contains(csv, error, StringComparison.Ordinal);
            Assert.Contains(message, error, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Out("p.csv")) || Directory.Exists(Out("pkg")) || File.Exists(Out("r.tsrq")) || File.Exists(Out("p.tspb")));
    }

    [Fact]
    public void HugeLine_IsRefusedBeforeItsValuesAreRead()
    {
        string csv = Write("huge-line.csv", string.Concat(Enumerable.Repeat("1,", 4 << 20)) + "1\n");
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("predict", WorkflowFixture.Model("mlp_square_opset9"), "--input", csv, "--out", Out("p.csv")), exitCode: 1);
        Assert.Contains("Line 1 is 8388609 bytes long; a line of 64 values has at most 4096", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CsvLargerThanItsBound_IsRefusedBeforeItIsRead()
    {
        string csv = Sparse("sparse.csv", (1L << 30) + 1);   // holes: nothing is written, nothing must be read
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("predict", WorkflowFixture.Model("mlp_square_opset9"), "--input", csv, "--out", Out("p.csv")), exitCode: 1);
        Assert.Contains("1,073,741,825 bytes; a CSV of up to 1,048,576 samples of 64 values is at most 1,073,741,824", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreSamplesThanOneProofHolds_IsRefused()
    {
        string csv = Write("4097.csv", string.Concat(Enumerable.Repeat(Row + "\n", 4097)));
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", fixture.Mlp.Package, "--input", csv, "--out", Out("p.tspb")), exitCode: 1);
        Assert.Contains("More than 4096 samples", error, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedPlan_IsRefusedBeforeItIsRead()
    {
        string plan = Sparse("huge.tspl", (256L << 20) + 1);
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("keys", "--plan", plan, "--out", Out("keys")), exitCode: 1);
        Assert.Contains("a plan is at most 268,435,456", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("keys")));
    }

    [Fact]
    public void SecretKeyGivenToEval_IsRefusedFromItsFirstBytes()
    {
        WorkflowFixture.Run run = fixture.Mlp;
        string error = ThestageProcess.AssertOneLineError(
            ThestageProcess.Run("eval", "--model", run.Package, "--keys", Path.Combine(run.Keys, "secret.key"), "--in", run.Request, "--out", Out("r.tsrs")), exitCode: 1);
        Assert.Contains("never a secret key", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Out("r.tsrs")));
    }

    [Fact]
    public void SecretKeyInAnEvaluationKeyEnvelope_IsRefusedByTheLibrary()
    {
        WorkflowFixture.Run run = fixture.Mlp;
        string wrapped = Write("wrapped.keys", [.. "TSEK"u8, 2, .. File.ReadAllBytes(Path.Combine(run.Keys, "secret.key"))]);
        ThestageProcess.AssertOneLineError(ThestageProcess.Run("eval", "--model", run.Package, "--keys", wrapped, "--in", run.Request, "--out", Out("r.tsrs")), exitCode: 1);
        Assert.False(File.Exists(Out("r.tsrs")));
    }

    [Fact]
    public void KeyDirectoryGivenToEval_ExitsTwo()
    {
        WorkflowFixture.Run run = fixture.Mlp;
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("eval", "--model", run.Package, "--keys", run.Keys, "--in", run.Request, "--out", Out("r.tsrs")), exitCode: 2);
        Assert.Contains("not a directory", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretKeyReadableByOthers_IsRefused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string keys = Out("leaky-keys");
        Directory.CreateDirectory(keys);
        foreach (string file in Directory.GetFiles(fixture.Mlp.Keys))
        {
            File.Copy(file, Path.Combine(keys, Path.GetFileName(file)));
        }

        File.SetUnixFileMode(Path.Combine(keys, "secret.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("encrypt", "--keys", keys, "--input", fixture.Samples, "--out", Out("r.tsrq")), exitCode: 1);
        Assert.Contains("readable by other users", error, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysNeverReplaceASecretKey()
    {
        WorkflowFixture.Run run = fixture.Mlp;
        byte[] before = File.ReadAllBytes(Path.Combine(run.Keys, "secret.key"));
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("keys", "--plan", run.Package, "--out", run.Keys), exitCode: 2);
        Assert.Contains("never replaces a secret key", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(run.Keys, "secret.key")));
    }

    [Theory]
    [InlineData("request")]
    [InlineData("response")]
    [InlineData("package")]
    [InlineData("commitment")]
    [InlineData("proof")]
    [InlineData("seed")]
    [InlineData("plan")]
    public void TruncatedArtifact_ExitsOne(string artifact)
    {
        WorkflowFixture.Run run = fixture.Mlp;
        string package = CopyOf(run.Package, "pkg-" + artifact), keys = CopyOf(run.Keys, "keys-" + artifact);
        string request = Path.Combine(Out(artifact), "request.tsrq"), response = Path.Combine(Out(artifact), "response.tsrs"), proof = Path.Combine(Out(artifact), "proof.tspb");
        Directory.CreateDirectory(Out(artifact));
        File.Copy(run.Request, request);
        File.Copy(run.Response, response);
        File.Copy(run.Proof, proof);
        (string file, string[] command) = artifact switch
        {
            "request" => (request, new[] { "eval", "--model", package, "--keys", Path.Combine(keys, "evaluation.keys"), "--in", request, "--out", Out("x") }),
            "response" => (response, ["decrypt", "--keys", keys, "--in", response, "--out", Out("x")]),
            "package" => (Path.Combine(package, "model.tspk"), ["prove", "--model", package, "--input", fixture.Samples, "--out", Out("x")]),
            "commitment" => (Path.Combine(package, "model.tsmc"), ["verify", "--model", package, "--proof", proof]),
            "proof" => (proof, ["verify", "--model", package, "--proof", proof]),
            "seed" => (Path.Combine(package, "commitment.seed"), ["prove", "--model", package, "--input", fixture.Samples, "--out", Out("x")]),
            _ => (Path.Combine(keys, "plan.tspl"), ["decrypt", "--keys", keys, "--in", response, "--out", Out("x")]),
        };
        byte[] bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length * 2 / 3)]);

        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run(command), exitCode: 1);
        Assert.StartsWith($"error: {file}: ", error, StringComparison.Ordinal);
        AssertDocumentedRefusal(error);
        Assert.False(File.Exists(Out("x")));
    }

    [Fact]
    public void TamperedProofBytes_AreRefused()
    {
        byte[] honest = File.ReadAllBytes(fixture.Mlp.Proof);
        var random = new Random(20);
        foreach (int position in new[] { 0, 10, 40, 60, honest.Length / 2, honest.Length - 40, honest.Length - 1 }.Concat(Enumerable.Range(0, 3).Select(_ => random.Next(honest.Length))))
        {
            byte[] bytes = (byte[])honest.Clone();
            bytes[position] ^= (byte)(1 << random.Next(8));
            string proof = Write($"tampered-{position}.tspb", bytes);
            AssertDocumentedRefusal(ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", fixture.Mlp.Package, "--proof", proof), exitCode: 1));
        }
    }

    [Fact]
    public void OutputChangedInTheProof_IsRefused()
    {
        byte[] bytes = File.ReadAllBytes(fixture.Mlp.Proof);
        int outputs = 50 + (2 * 4 * 64);   // header 50 bytes, then 4 samples × 64 inputs as i16, then the outputs
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(outputs + 6), (short)(BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(outputs + 6)) + 1));
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", fixture.Mlp.Package, "--proof", Write("output.tspb", bytes)), exitCode: 1);
        Assert.Contains("does not verify", error, StringComparison.Ordinal);
        Assert.Contains(": Lookup", error, StringComparison.Ordinal); // the statement is in every challenge: the first check fails
    }

    [Fact]
    public void ProofForOtherInputs_IsRefused()
    {
        // The first two samples' inputs swapped: the same proof now claims the outputs for other inputs.
        byte[] bytes = File.ReadAllBytes(fixture.Mlp.Proof);
        byte[] first = bytes[50..(50 + 128)];
        Assert.NotEqual(first, bytes[(50 + 128)..(50 + 256)]);
        bytes.AsSpan(50 + 128, 128).CopyTo(bytes.AsSpan(50));
        first.CopyTo(bytes.AsSpan(50 + 128));
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", fixture.Mlp.Package, "--proof", Write("swapped.tspb", bytes)), exitCode: 1);
        Assert.Contains("does not verify", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TamperedCommitment_IsRefused_EvenWhenTheProofNamesIt()
    {
        // One bit of the first weight root flipped; then the proof's fingerprint rewritten to name the tampered commitment.
        byte[] commitment = File.ReadAllBytes(Path.Combine(fixture.Mlp.Package, "model.tsmc"));
        int layers = BinaryPrimitives.ReadInt32LittleEndian(commitment.AsSpan(6 + 24));
        int budget = BinaryPrimitives.ReadUInt16LittleEndian(commitment.AsSpan(4)) == 6 ? 4 : 0;   // TSMC v6 (the default, hiding with a budget) has the budget after the column queries
        commitment[6 + 28 + (layers * 32) + 8 + budget + 1] ^= 1;
        string tampered = Write("tampered.tsmc", commitment);
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", tampered, "--proof", fixture.Mlp.Proof), exitCode: 1);
        Assert.Contains("another commitment", error, StringComparison.Ordinal);

        byte[] proof = File.ReadAllBytes(fixture.Mlp.Proof);
        SHA256.HashData(commitment).CopyTo(proof.AsSpan(6));
        error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", tampered, "--proof", Write("renamed.tspb", proof)), exitCode: 1);
        Assert.Contains("does not verify", error, StringComparison.Ordinal);
        Assert.Contains("WeightRanges in weight range proof", error, StringComparison.Ordinal); // the verifier's ProofVerdict
    }

    [Fact]
    public void ProofAgainstTheSameModelCommittedAgain_IsRefused_AndItsSeedDoesNotProveForTheFirst()
    {
        // A second compile of the same model: another seed, another commitment. A proof is bound to the commitment it was made for.
        string other = Out("recompiled");
        WorkflowFixture.Json("compile", WorkflowFixture.Model("mlp_square_opset9"), "--calibration", fixture.Calibration, "--out", other, "--packing", "batch");
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("verify", "--model", other, "--proof", fixture.Mlp.Proof), exitCode: 1);
        Assert.Contains("another commitment", error, StringComparison.Ordinal);

        string mixed = CopyOf(fixture.Mlp.Package, "mixed");
        File.Delete(Path.Combine(mixed, "commitment.seed"));
        File.Copy(Path.Combine(other, "commitment.seed"), Path.Combine(mixed, "commitment.seed"));
        error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", mixed, "--input", fixture.Samples, "--out", Out("mixed.tspb")), exitCode: 1);
        Assert.Contains("is not the commitment of the package's model", error, StringComparison.Ordinal);
    }

    [Fact]
    public void StaleCommitmentOfAnEarlierCompile_IsRemovedWhenTheNewModelCannotBeProven()
    {
        string package = CopyOf(fixture.Mlp.Package, "stale");
        WorkflowFixture.Json("compile", WorkflowFixture.Model("mlp_matmul_opset21"), "--calibration", fixture.Calibration, "--out", package);
        Assert.False(File.Exists(Path.Combine(package, "model.tsmc")));
        Assert.False(File.Exists(Path.Combine(package, "commitment.seed")));
    }

    [Theory]
    [InlineData("Option '--input' is required", "predict", "MODEL")]
    [InlineData("--packing takes row or batch; got 'diagonal'", "compile", "MODEL", "--calibration", "CSV", "--out", "OUT", "--packing", "diagonal")]
    [InlineData("no such file", "compile", "MODEL", "--calibration", "/nonexistent.csv", "--out", "OUT")]
    [InlineData("no such directory", "encrypt", "--keys", "/nonexistent", "--input", "CSV", "--out", "OUT")]
    [InlineData("is a directory, not a file", "predict", "MODEL", "--input", "CSV", "--out", "DIR")]
    [InlineData("Option '--proof' is required", "verify", "--model", "DIR")]
    public void BadCommandLine_ExitsTwo_WithNothingOnStandardOutput(string message, params string[] args)
    {
        string[] resolved = [.. args.Select(a => a switch
        {
            "MODEL" => WorkflowFixture.Model("mlp_square_opset9"),
            "CSV" => fixture.Samples,
            "OUT" => Out("out"),
            "DIR" => fixture.Directory,
            _ => a,
        }), "--json"];
        ThestageProcess.Result result = ThestageProcess.Run(resolved);
        Assert.Contains(message, ThestageProcess.AssertOneLineError(result, exitCode: 2), StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void PackageWithoutItsCommitment_ExitsOneNamingTheVerbThatMakesIt()
    {
        string package = CopyOf(fixture.Mlp.Package, "no-commitment");
        File.Delete(Path.Combine(package, "model.tsmc"));
        string error = ThestageProcess.AssertOneLineError(ThestageProcess.Run("prove", "--model", package, "--input", fixture.Samples, "--out", Out("x")), exitCode: 1);
        Assert.Contains("has no model.tsmc (made by thestage compile)", error, StringComparison.Ordinal);
    }

    /// <summary>A refusal by a reader or a verifier, never a crash of the kind a fuzzer looks for.</summary>
    private static void AssertDocumentedRefusal(string error)
    {
        foreach (string crash in new[] { "IndexOutOfRange", "NullReference", "Overflow", "OutOfMemory", "ArgumentOutOfRange", "InvalidCast", "Unhandled" })
        {
            Assert.DoesNotContain(crash, error, StringComparison.Ordinal);
        }
    }

    private string Out(string name) => Path.Combine(fixture.Directory, "attacks", name);

    private string Write(string name, string text) => Write(name, Encoding.UTF8.GetBytes(text));

    private string Write(string name, byte[] bytes)
    {
        string path = Out(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Sparse(string name, long length)
    {
        string path = Write(name, []);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
        return path;
    }

    private string CopyOf(string directory, string name)
    {
        string copy = Out(name);
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(directory))
        {
            string target = Path.Combine(copy, Path.GetFileName(file));
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(file));
            }
        }

        return copy;
    }
}
