using Google.Protobuf;
using Thestage.Inference.Runtime;
using Thestage.Serving.Protocol;

namespace Thestage.Server.Tests.Attacks;

/// <summary>
/// A curious client against the served model's noise: the noise of a CKKS evaluation depends on the weights, so a client
/// that could decrypt it exactly, query after query, would learn about them. The server floods every output
/// (<see cref="OutputFlooding.ForPlan"/>), so the same request sent twice decrypts to outputs that differ by fresh noise
/// of the flood's magnitude — not by the evaluation's own, which is orders of magnitude smaller.
/// </summary>
public sealed class FloodingAttackTests
{
    [Fact]
    public async Task SameRequestSentTwice_DecryptsToOutputsThatDifferByTheFloodsNoise()
    {
        // Batch packing: each output of each sample is one slot, read as it is (row-major packing averages replicated slots,
        // which divides the flood by the square root of their number).
        ServedModel model = ServedModel.Batch;
        await using InferenceServer server = await TestServers.StartAsync(model);
        (var channel, var stub) = TestServers.Raw(server.Address);
        using (channel)
        {
            using var client = new InferenceClient(model.Plan);
            byte[] keys = client.CreateEvaluationKeys().ToBytes();
            OpenSessionReply opened = await stub.OpenSessionAsync(new OpenSessionRequest
            {
                KeysSha256 = ByteString.CopyFrom(System.Security.Cryptography.SHA256.HashData(keys)),
                PlanFingerprint = ByteString.CopyFrom(model.Plan.Fingerprint),
            }, TestServers.Headers());
            Assert.Equal(Grpc.Core.StatusCode.OK, await RawCalls.UploadAsync(stub, RawCalls.Upload(opened.SessionId, keys)));
            byte[] request = client.EncryptRequest(ServedModel.Samples(300, 40));

            double[][] first = client.DecryptResponse(await EvaluateAsync(stub, opened.SessionId, request));
            double[][] second = client.DecryptResponse(await EvaluateAsync(stub, opened.SessionId, request));

            // Each difference is the difference of two independent floods: standard deviation τ√2. Its root mean square over
            // 120 values is below 0.5 τ√2 with probability below 1e-15 (χ² with 120 degrees of freedom under 30); without
            // flooding it would be the evaluation's own noise, orders of magnitude smaller.
            double[] differences = [.. first.Zip(second, (a, b) => a.Zip(b, (x, y) => x - y)).SelectMany(d => d)];
            double tau = OutputFlooding.ForPlan(model.Plan).StandardDeviation;
            double rms = Math.Sqrt(differences.Sum(d => d * d) / differences.Length);
            Assert.Equal(120, differences.Length);
            Assert.True(tau > 0, "the served plan's flooding is off");
            Assert.True(rms >= 0.5 * tau * Math.Sqrt(2), $"repeated outputs differ by {rms:G3} RMS; the flood's τ√2 is {tau * Math.Sqrt(2):G3}");
        }
    }

    private static async Task<byte[]> EvaluateAsync(PrivateInference.PrivateInferenceClient stub, string session, byte[] request) =>
        (await stub.EvaluateAsync(new EvaluateRequest { SessionId = session, Request = ByteString.CopyFrom(request) }, TestServers.Headers())).Response.ToByteArray();
}
