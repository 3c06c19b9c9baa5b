using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Server.Security;
using Thestage.Server.Services;
using Thestage.Server.Sessions;

namespace Thestage.Server;

/// <summary>
/// A private-inference server: ASP.NET Core gRPC (the protocol of <c>Protos/inference.proto</c>) serving one prepared
/// model to clients authenticated by API key, each with sessions bound to evaluation keys it uploaded; the standard gRPC
/// health service (<c>grpc.health.v1</c>, open to unauthenticated probes: it tells only whether the server serves) and
/// server reflection (authenticated). Outputs are flooded (<see cref="OutputFlooding.ForPlan"/>) — the server never
/// turns that off. docs/serving.md describes the service, its limits and its statuses.
/// </summary>
public sealed class InferenceServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly LocalSessions? _sessions;
    private readonly KeyCache _memory;
    private readonly EvaluationGate _gate;
    private readonly ITimer? _sweeper;

    private InferenceServer(WebApplication app, LocalSessions? sessions, KeyCache memory, EvaluationGate gate, ITimer? sweeper, Uri address)
    {
        _app = app;
        _sessions = sessions;
        _memory = memory;
        _gate = gate;
        _sweeper = sweeper;
        Address = address;
    }

    /// <summary>The address clients connect to (<c>http://127.0.0.1:PORT</c>, or https with a certificate).</summary>
    public Uri Address { get; }

    /// <summary>The server's counters now, after closing the sessions and evicting the keys that have idled out.</summary>
    public ServingStatistics Statistics => Observe();

    private ServingStatistics Observe()
    {
        _sessions?.Sweep();
        return new(
            _sessions?.SessionCount ?? 0, _memory.Count, _memory.CachedBytes, _memory.ReservedBytes, _sessions?.Evaluations ?? 0, _memory.Evictions, GC.GetTotalMemory(false));
    }

    /// <summary>Starts serving <paramref name="model"/> in this process, sessions and keys held here.</summary>
    /// <param name="model">The model, prepared once (<see cref="Inference.Compilation.ModelPackage.Prepare"/>).</param>
    /// <param name="keys">The API keys accepted.</param>
    /// <param name="options">Address, TLS, limits, logging; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="ArgumentException">The host is not an IP address or <c>localhost</c>, or is not loopback while
    /// there is no certificate and <see cref="ServerOptions.AllowUnencryptedRemote"/> is not set.</exception>
    /// <exception cref="IOException">The address is in use.</exception>
    public static Task<InferenceServer> StartAsync(PreparedModel model, ApiKeyRing keys, ServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ServerOptions();
        options.Limits.Validate();
        var memory = new KeyCache(options.Limits.KeyCacheBytes, options.Limits.KeyIdleTimeout, options.Time);
        var gate = new EvaluationGate(options.Limits.MaxConcurrentEvaluations, options.Limits.MaxQueuedEvaluations, options.Limits.MaxEvaluationTime);
        var sessions = new LocalSessions(model, options.Limits, memory, gate, options.Time);
        return StartAsync(model.Plan, sessions, sessions, memory, gate, keys, options, cancellationToken);
    }

    /// <summary>Starts a server over a session backend (this process's, or a cluster's).</summary>
    internal static async Task<InferenceServer> StartAsync(
        InferencePlan plan, ISessionBackend backend, LocalSessions? local, KeyCache memory, EvaluationGate gate, ApiKeyRing keys, ServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        IPAddress address = ParseHost(options);
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Thestage.Server", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (options.Logging is { } logging)
        {
            logging(builder.Logging);
        }
        else
        {
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
            builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = 1024;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 100;
            kestrel.Listen(address, options.Port, listen =>
            {
                if (options.Certificate is { } certificate)
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(certificate);
                }
                else
                {
                    listen.Protocols = HttpProtocols.Http2;
                }
            });
        });

        IServiceCollection services = builder.Services;
        services.AddSingleton(keys);
        services.AddSingleton(options.Limits);
        services.AddSingleton(memory);
        services.AddSingleton(backend);
        services.AddSingleton(new ServedPlan(plan));
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.Limits.MaxMessageBytes;
            grpc.MaxSendMessageSize = options.Limits.MaxMessageBytes;
            grpc.EnableDetailedErrors = false;
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks().AddCheck("serving", () => HealthCheckResult.Healthy("The model is loaded."));
        services.AddAuthentication(ApiKeyAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorization();

        WebApplication app = builder.Build();
        app.Use(MalformedFraming.RewriteAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcService<InferenceService>().RequireAuthorization();
        app.MapGrpcReflectionService().RequireAuthorization();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            gate.Dispose();
            throw;
        }

        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        TimeSpan period = TimeSpan.FromSeconds(Math.Clamp(Math.Min(options.Limits.SessionIdleTimeout.TotalSeconds, options.Limits.KeyIdleTimeout.TotalSeconds) / 4, 1, 60));
        ITimer? sweeper = local is null ? null : options.Time.CreateTimer(_ => local.Sweep(), null, period, period);
        return new InferenceServer(app, local, memory, gate, sweeper, new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal)));
    }

    /// <summary>Stops accepting calls and ends the server once the calls in progress finish (or the token fires).</summary>
    /// <param name="cancellationToken">Ends the graceful stop early.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default) => await _app.StopAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Completes when the server stops (<see cref="StopAsync"/>, or the host's shutdown signal such as Ctrl+C).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops the server and releases everything it holds.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private static IPAddress ParseHost(ServerOptions options)
    {
        IPAddress address = options.Host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(options.Host, out IPAddress? parsed) ? parsed
            : throw new ArgumentException($"The host '{options.Host}' is not an IP address or localhost.", nameof(options));
        if (!IPAddress.IsLoopback(address) && options.Certificate is null && !options.AllowUnencryptedRemote)
        {
            throw new ArgumentException(
                $"Listening on {address} without TLS would send API keys across the network in clear: give a certificate, or allow it explicitly (behind a TLS proxy).", nameof(options));
        }

        return address;
    }
}
