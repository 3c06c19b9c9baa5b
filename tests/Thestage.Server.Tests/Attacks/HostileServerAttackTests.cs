using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Thestage.Client;
using Thestage.Serving.Protocol;

namespace Thestage.Server.Tests.Attacks;

/// <summary>
/// A hostile server announces an answer of almost 2 GiB (a gRPC frame header, then a trickle): the client refuses it with
/// RESOURCE_EXHAUSTED from the header alone (its bound comes from the plan, <see cref="ServingClientOptions.MaxResponseBytes"/>),
/// instead of buffering what the server announces; the same for an oversized plan.
/// </summary>
public sealed class HostileServerAttackTests
{
    private const string Service = "/thestage.serving.v1.PrivateInference/";

    [Fact]
    public async Task AnswerAnnouncingTwoGigabytes_IsResourceExhausted_FromItsHeader()
    {
        await using WebApplication hostile = await HostileAsync(planAnnounced: null);
        await using ServingClient client = await ServingClient.ConnectAsync(Options(hostile));

        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => client.PredictAsync(ServedModel.Samples(1, 1)));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
    }

    [Fact]
    public async Task PlanAnnouncingTwoGigabytes_IsResourceExhausted_FromItsHeader()
    {
        await using WebApplication hostile = await HostileAsync(planAnnounced: 0x7FFF_FF00);
        RpcException refused = await Assert.ThrowsAsync<RpcException>(() => ServingClient.GetPlanAsync(Options(hostile)));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
    }

    [Fact]
    public void RequestLargerThanTheClientsBound_IsRefusedBeforeItIsSent()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ServingClient.GetPlanAsync(new ServingClientOptions { Server = new Uri("http://127.0.0.1:1"), ApiKey = "k", MaxSamplesPerRequest = 0 }).GetAwaiter().GetResult());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ResponseBound_HoldsTheRealAnswers_OfBothPackings(int samples)
    {
        foreach (ServedModel model in new[] { ServedModel.RowMajor, ServedModel.Batch })
        {
            await using InferenceServer server = await TestServers.StartAsync(model);
            (var channel, var stub) = TestServers.Raw(server.Address);
            using (channel)
            {
                using var keys = new Inference.Runtime.InferenceClient(model.Plan);
                byte[] bundle = keys.CreateEvaluationKeys().ToBytes();
                string session = (await stub.OpenSessionAsync(new OpenSessionRequest
                {
                    KeysSha256 = ByteString.CopyFrom(System.Security.Cryptography.SHA256.HashData(bundle)),
                    PlanFingerprint = ByteString.CopyFrom(model.Plan.Fingerprint),
                }, TestServers.Headers())).SessionId;
                Assert.Equal(StatusCode.OK, await RawCalls.UploadAsync(stub, RawCalls.Upload(session, bundle)));
                EvaluateReply reply = await stub.EvaluateAsync(
                    new EvaluateRequest { SessionId = session, Request = ByteString.CopyFrom(keys.EncryptRequest(ServedModel.Samples(3, samples))) }, TestServers.Headers());
                int bound = ServingClient.ResponseBound(model.Plan, samples);
                Assert.InRange(reply.CalculateSize(), 1, bound);
                Assert.True(bound < 4 * reply.CalculateSize() + (1 << 20), $"the bound {bound:N0} is far above the answer {reply.CalculateSize():N0}");
            }
        }
    }

    private static ServingClientOptions Options(WebApplication hostile) => new()
    {
        Server = new Uri(hostile.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
        ApiKey = TestServers.ApiKey,
        CallTimeout = TimeSpan.FromSeconds(60),
        RetryFor = TimeSpan.Zero,
    };

    // A server that speaks the protocol (the real plan, sessions with keys present) but answers Evaluate with a frame header
    // announcing 2 GiB − 256, and GetPlan likewise when told to.
    private static async Task<WebApplication> HostileAsync(int? planAnnounced)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        WebApplication app = builder.Build();
        ServedModel model = ServedModel.RowMajor;
        app.MapPost(Service + "GetPlan", context => planAnnounced is int announced
            ? AnnounceAsync(context, announced)
            : ReplyAsync(context, new GetPlanReply { Plan = ByteString.CopyFrom(model.Plan.ToBytes()), Fingerprint = ByteString.CopyFrom(model.Plan.Fingerprint), Limits = new ServiceLimits() }));
        app.MapPost(Service + "OpenSession", context => ReplyAsync(context, new OpenSessionReply { SessionId = new string('a', 32), KeysPresent = true }));
        app.MapPost(Service + "CloseSession", context => ReplyAsync(context, new CloseSessionReply()));
        app.MapPost(Service + "Evaluate", context => AnnounceAsync(context, 0x7FFF_FF00));
        await app.StartAsync();
        return app;
    }

    private static async Task ReplyAsync(HttpContext context, IMessage reply)
    {
        context.Response.ContentType = "application/grpc";
        byte[] body = reply.ToByteArray();
        var frame = new byte[5 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), body.Length);
        body.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    // The frame header of a huge message, 64 KiB of it, then nothing until the client goes away.
    private static async Task AnnounceAsync(HttpContext context, int length)
    {
        context.Response.ContentType = "application/grpc";
        var header = new byte[5];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), length);
        await context.Response.Body.WriteAsync(header);
        await context.Response.Body.WriteAsync(new byte[64 << 10]);
        await context.Response.Body.FlushAsync();
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client refused the answer.
        }
    }
}
