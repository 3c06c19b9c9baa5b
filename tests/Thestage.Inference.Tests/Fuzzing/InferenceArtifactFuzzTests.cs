using Thestage.Inference.Compilation;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Models;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Serialization;
using Thestage.TestKit.Fuzzing;
using Xunit.Abstractions;

namespace Thestage.Inference.Tests.Fuzzing;

/// <summary>
/// The structured fuzz campaign of the compiled-model artifacts (docs/security.md): the plan a client receives (TSPL), the
/// model package a server loads (TSPK), a request (TSRQ, read and validated up to evaluation) and a response (TSRS,
/// decrypted). Each mutated input loads or throws <see cref="CkksFormatException"/> (or <see cref="InsecureParametersException"/>
/// for weakened parameters), within 256 MiB and 1 s of CPU. CI runs 2,000 cases per format; set
/// <c>THESTAGE_FUZZ_CASES</c> for the large campaign.
/// </summary>
[Collection(FuzzCampaign.CollectionName)]
public sealed class InferenceArtifactFuzzTests(ITestOutputHelper output)
{
    private static readonly Lazy<(ModelPackage Package, InferenceClient Client, EncryptedModel Server, byte[] Request, byte[] Response)> Exchange = new(() =>
    {
        var random = new Random(11);
        var model = new Sequential([4], [
            new Dense(Models.Matrix(random, 4, 3, 0.5), Models.Vector(random, 3, 0.1)),
            Activation.Exact(LayerKind.Tanh),
            new Dense(Models.Matrix(random, 3, 2, 0.5), Models.Vector(random, 2, 0.1)),
        ]);
        double[][] samples = [.. Enumerable.Range(0, 8).Select(_ => Models.Vector(random, 4))];
        ModelPackage package = ModelCompiler.Compile(model, samples, new CompileOptions { EncryptedCheckSamples = 0, Activations = new ActivationFitOptions { MaxDegree = 3 } });
        var client = new InferenceClient(package.Plan);
        PreparedModel prepared = package.Prepare();
        var server = new EncryptedModel(prepared, prepared.LoadEvaluationKeys(client.CreateEvaluationKeys().ToBytes()));
        byte[] request = client.EncryptRequest(samples[..1]);
        return (package, client, server, request, server.EvaluateRequest(request));
    });

    public static TheoryData<string> Names => ["TSPL plan", "TSPK model package", "TSRQ request", "TSRS response"];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_input_loads_or_is_refused_within_the_limits(string format)
    {
        var (package, client, server, request, response) = Exchange.Value;
        static bool Documented(Exception e) => e is CkksFormatException or InsecureParametersException;
        FuzzTarget target = format switch
        {
            "TSPL plan" => new FuzzTarget(format, d => InferencePlan.FromBytes(d), [package.Plan.ToBytes()], Documented),
            "TSPK model package" => new FuzzTarget(format, d => ModelPackage.FromBytes(d), [package.ToBytes()], Documented),
            "TSRQ request" => new FuzzTarget(format, d => server.ReadRequest(d), [request], Documented),
            _ => new FuzzTarget(format, d => client.DecryptResponse(d), [response], Documented),
        };
        FuzzReport report = FuzzCampaign.Run(target, FuzzCampaign.Cases(2000));
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(10)));
        Assert.True(report.Rejected > report.Cases / 4, $"Only {report.Rejected} of {report.Cases} inputs were refused: the mutations do not reach the checks.");
    }
}
