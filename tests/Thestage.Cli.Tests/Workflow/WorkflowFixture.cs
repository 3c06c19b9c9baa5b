using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Thestage.Proofs.Inference;

namespace Thestage.Cli.Tests.Workflow;

/// <summary>The workflow's tests run one at a time: each verb is a process of up to a few GB (the machine is shared).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkflowCollection : ICollectionFixture<WorkflowFixture>
{
    public const string Name = "File-based workflow (processes of up to a few GB, one at a time)";
}

/// <summary>
/// The square MLP fixture taken once through the workflow with <c>--json</c> on every verb (batch packing: N = 8192, no
/// Galois keys, the fastest plan), in a temporary directory; the tests read the files and the results, and attack tests
/// tamper with copies.
/// </summary>
public sealed class WorkflowFixture : IDisposable
{
    private readonly Lazy<Run> _run;
    private readonly Lazy<string> _refusing;

    public WorkflowFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("thestage-workflow-").FullName;
        string[] rows = File.ReadAllLines(Vector("samples.csv"));
        Calibration = Path.Combine(Directory, "calibration.csv");
        Samples = Path.Combine(Directory, "x.csv");
        File.WriteAllLines(Calibration, rows[..100]);
        File.WriteAllLines(Samples, rows[200..204]);
        _run = new(() => RunWorkflow("mlp_square_opset9", "batch", "mlp"));
        _refusing = new(() => Budgeted("refusing", 3).Package);
    }

    public string Directory { get; }

    /// <summary>Rows 0–99 of samples.csv.</summary>
    public string Calibration { get; }

    /// <summary>Rows 200–203 of samples.csv: four test samples.</summary>
    public string Samples { get; }

    /// <summary>The square MLP's run through every verb.</summary>
    public Run Mlp => _run.Value;

    public static string Vector(string name) => Path.Combine(AppContext.BaseDirectory, "Vectors", name);

    public static string Model(string name) => Vector(name + ".onnx");

    /// <summary>Reads a CSV of outputs independently of the CLI's reader.</summary>
    public static double[][] ReadCsv(string path) =>
        [.. File.ReadAllLines(path).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];

    public static int ArgMax(double[] values) => Array.IndexOf(values, values.Max());

    /// <summary>Asserts the same argmax per sample and every output within <paramref name="tolerance"/>.</summary>
    public static void AssertAgree(double[][] expected, double[][] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int s = 0; s < expected.Length; s++)
        {
            Assert.Equal(expected[s].Length, actual[s].Length);
            Assert.Equal(ArgMax(expected[s]), ArgMax(actual[s]));
            for (int i = 0; i < expected[s].Length; i++)
            {
                Assert.True(Math.Abs(expected[s][i] - actual[s][i]) <= tolerance, $"sample {s}, output {i}: {expected[s][i]} vs {actual[s][i]}");
            }
        }
    }

    /// <summary>Runs a verb with <c>--json</c>, requires exit code 0 and nothing on standard error, and returns its result.</summary>
    public static JsonElement Json(params string[] args)
    {
        ThestageProcess.Result result = ThestageProcess.Run([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, $"thestage {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Error}");
        Assert.Empty(result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);   // throws unless the output is one JSON value
        return json.RootElement.Clone();
    }

    /// <summary>Takes a model through predict, compile, keys, encrypt, eval, decrypt, prove and verify in a directory of its own.</summary>
    public Run RunWorkflow(string model, string packing, string name)
    {
        string dir = Path.Combine(Directory, name);
        var run = new Run(dir);
        run.Results["predict"] = Json("predict", Model(model), "--input", Samples, "--out", run.Predicted);
        run.Results["compile"] = Json("compile", Model(model), "--calibration", Calibration, "--out", run.Package, "--packing", packing);
        run.Results["keys"] = Json("keys", "--plan", run.Package, "--out", run.Keys);
        run.Results["encrypt"] = Json("encrypt", "--keys", run.Keys, "--input", Samples, "--out", run.Request);
        run.Results["eval"] = Json("eval", "--model", run.Package, "--keys", Path.Combine(run.Keys, "evaluation.keys"), "--in", run.Request, "--out", run.Response);
        run.Results["decrypt"] = Json("decrypt", "--keys", run.Keys, "--in", run.Response, "--out", run.Decrypted);
        run.Results["prove"] = Json("prove", "--model", run.Package, "--input", Samples, "--out", run.Proof);
        run.Results["verify"] = Json("verify", "--model", run.Package, "--proof", run.Proof);
        return run;
    }

    /// <summary>
    /// Compiles the square MLP into <c>name/pkg</c> with a hiding commitment and an opening budget (the MLP's compile takes about
    /// two seconds: each budget test has a package of its own); returns the package directory and the compile's result.
    /// </summary>
    public (string Package, JsonElement Compile) Budgeted(string name, int budget)
    {
        string package = Path.Combine(Directory, name, "pkg");
        JsonElement compile = Json("compile", Model("mlp_square_opset9"), "--calibration", Calibration, "--out", package, "--packing", "batch", "--hiding", "--opening-budget", budget.ToString(CultureInfo.InvariantCulture));
        return (package, compile);
    }

    /// <summary>
    /// A budgeted package (3 openings) shared by the tests whose <c>prove</c> is refused before it commits (a count file they
    /// replace, a proof never made): compiled once.
    /// </summary>
    public string RefusingPackage => _refusing.Value;

    /// <summary>The mask set each weight opening of a proof bundle names (null: a commitment without a budget).</summary>
    public static int?[] MaskSets(string proof) =>
        [.. InferenceProofBundleSerializer.Deserialize(File.ReadAllBytes(proof)).Proof.WeightOpenings.Select(o => o.MaskIndex)];

    /// <summary>The count file of a budgeted package.</summary>
    public static string CountFile(string package) => Path.Combine(package, "commitment.openings");

    /// <summary>The count a budgeted package's file holds, as <c>prove</c> writes it.</summary>
    public static string Count(string package, int used, int budget) =>
        string.Create(CultureInfo.InvariantCulture, $"{used} of {budget} openings, commitment {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(package, "model.tsmc"))))}\n");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    /// <summary>The files of one model's run and every verb's JSON result.</summary>
    public sealed class Run(string dir)
    {
        public string Predicted { get; } = Path.Combine(dir, "p.csv");

        public string Package { get; } = Path.Combine(dir, "pkg");

        public string Keys { get; } = Path.Combine(dir, "keys");

        public string Request { get; } = Path.Combine(dir, "request.tsrq");

        public string Response { get; } = Path.Combine(dir, "response.tsrs");

        public string Decrypted { get; } = Path.Combine(dir, "y.csv");

        public string Proof { get; } = Path.Combine(dir, "proof.tspb");

        public Dictionary<string, JsonElement> Results { get; } = [];
    }
}
