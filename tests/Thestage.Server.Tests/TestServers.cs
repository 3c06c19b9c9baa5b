using Grpc.Core;
using Grpc.Net.Client;
using Thestage.Client;
using Thestage.Serving.Protocol;

namespace Thestage.Server.Tests;

/// <summary>Servers on a free loopback port, clients and raw protocol stubs for the tests.</summary>
internal static class TestServers
{
    public const string ApiKey = "test-key-0123456789abcdef0123456789abcdef";

    public const string OtherApiKey = "other-key-0123456789abcdef0123456789abcdef";

    public static ApiKeyRing Keys { get; } = ApiKeyRing.FromKeys([ApiKey, OtherApiKey]);

    public static Task<InferenceServer> StartAsync(ServedModel model, ServingLimits? limits = null, int port = 0, TimeProvider? time = null) =>
        InferenceServer.StartAsync(model.Prepared, Keys, new ServerOptions
        {
            Port = port,
            Limits = limits ?? new ServingLimits(),
            Logging = _ => { },
            Time = time ?? TimeProvider.System,
        });

    public static Task<ServingClient> ConnectAsync(InferenceServer server, string? keyDirectory = null, string apiKey = ApiKey, TimeSpan? retryFor = null) =>
        ServingClient.ConnectAsync(new ServingClientOptions { Server = server.Address, ApiKey = apiKey, KeyDirectory = keyDirectory, RetryFor = retryFor ?? TimeSpan.FromSeconds(20) });

    /// <summary>A raw stub of the protocol, for messages no <see cref="ServingClient"/> would send.</summary>
    public static (GrpcChannel Channel, PrivateInference.PrivateInferenceClient Stub) Raw(Uri address) =>
        Raw(address, int.MaxValue);

    public static (GrpcChannel Channel, PrivateInference.PrivateInferenceClient Stub) Raw(Uri address, int maxSend)
    {
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxSendMessageSize = maxSend, MaxReceiveMessageSize = int.MaxValue });
        return (channel, new PrivateInference.PrivateInferenceClient(channel));
    }

    public static Metadata Headers(string apiKey = ApiKey) => new() { { "x-api-key", apiKey } };
}
