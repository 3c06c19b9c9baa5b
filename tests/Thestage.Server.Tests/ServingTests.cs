using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Thestage.Client;

namespace Thestage.Server.Tests;

/// <summary>The service end to end on loopback: plan, session, key upload, evaluation (unary and streamed), health, reflection.</summary>
public sealed class ServingTests
{
    [Fact]
    public async Task Predict_RowMajor_DecryptsThePlainModelsOutputs()
    {
        ServedModel model = ServedModel.RowMajor;
        await using InferenceServer server = await TestServers.StartAsync(model);
        await using ServingClient client = await TestServers.ConnectAsync(server);
        double[][] samples = ServedModel.Samples(1, 3);

        double[][] outputs = await client.PredictAsync(samples);

        model.AssertMatches(samples, outputs);
        Assert.True(client.KeyUploads == 1, $"uploads {client.KeyUploads}, sessions {client.SessionsOpened}, {server.Statistics}");
        Assert.Equal(1, server.Statistics.Evaluations);
    }

    [Fact]
    public async Task Predict_Batch_DecryptsThePlainModelsOutputs()
    {
        ServedModel model = ServedModel.Batch;
        await using InferenceServer server = await TestServers.StartAsync(model);
        await using ServingClient client = await TestServers.ConnectAsync(server);
        double[][] samples = ServedModel.Samples(2, 40);

        model.AssertMatches(samples, await client.PredictAsync(samples));
    }

    [Fact]
    public async Task PredictMany_OverOneStream_AnswersEveryRequestInOrder()
    {
        ServedModel model = ServedModel.RowMajor;
        await using InferenceServer server = await TestServers.StartAsync(model);
        await using ServingClient client = await TestServers.ConnectAsync(server);
        double[][][] requests = [.. Enumerable.Range(0, 5).Select(i => ServedModel.Samples(10 + i, 1 + (i % 2)))];

        double[][][] outputs = await client.PredictManyAsync(requests);

        for (int i = 0; i < requests.Length; i++)
        {
            model.AssertMatches(requests[i], outputs[i]);
        }
    }

    [Fact]
    public async Task KeysInAFolder_AreUploadedOnce_AndReusedByTheirHash()
    {
        ServedModel model = ServedModel.RowMajor;
        string folder = Directory.CreateTempSubdirectory("thestage-keys-").FullName;
        try
        {
            await using InferenceServer server = await TestServers.StartAsync(model);
            await using (ServingClient first = await TestServers.ConnectAsync(server, folder))
            {
                Assert.Equal(1, first.KeyUploads);
            }

            await using ServingClient second = await TestServers.ConnectAsync(server, folder);
            double[][] samples = ServedModel.Samples(3, 1);
            model.AssertMatches(samples, await second.PredictAsync(samples));

            Assert.Equal(0, second.KeyUploads);
            Assert.True(File.Exists(Path.Combine(folder, "secret.key")));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "secret.key")));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Health_IsServing_WithoutAnApiKey()
    {
        await using InferenceServer server = await TestServers.StartAsync(ServedModel.RowMajor);
        using var channel = GrpcChannel.ForAddress(server.Address);

        HealthCheckResponse health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task Reflection_ListsTheService_ToAnAuthenticatedCaller_Only()
    {
        await using InferenceServer server = await TestServers.StartAsync(ServedModel.RowMajor);
        using var channel = GrpcChannel.ForAddress(server.Address);
        var reflection = new ServerReflection.ServerReflectionClient(channel);

        using (var call = reflection.ServerReflectionInfo(TestServers.Headers()))
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
            await call.RequestStream.CompleteAsync();
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "thestage.serving.v1.PrivateInference");
        }

        using var anonymous = reflection.ServerReflectionInfo();
        await anonymous.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }).ContinueWith(_ => { });
        var refused = await Assert.ThrowsAsync<RpcException>(() => anonymous.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }
}
