using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Thestage.Server;

/// <summary>Where and how an <see cref="InferenceServer"/> listens, and its limits.</summary>
public sealed record ServerOptions
{
    /// <summary>The address to listen on: an IP address or <c>localhost</c>; 127.0.0.1 (loopback only) by default.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port; 0 takes a free one (read it from <see cref="InferenceServer.Address"/>). 5021 by default.</summary>
    public int Port { get; init; } = 5021;

    /// <summary>
    /// The TLS certificate (with its private key); null listens without TLS (HTTP/2 in clear text), which is allowed on a
    /// loopback address only unless <see cref="AllowUnencryptedRemote"/> is set: API keys would cross the network in clear.
    /// </summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Allows listening beyond loopback without TLS (behind a proxy that terminates TLS, for example).</summary>
    public bool AllowUnencryptedRemote { get; init; }

    /// <summary>The limits on callers.</summary>
    public ServingLimits Limits { get; init; } = new();

    /// <summary>Configures logging; null logs warnings of ASP.NET Core and the server's own events to the console.</summary>
    public Action<ILoggingBuilder>? Logging { get; init; }

    /// <summary>The clock of session and key timeouts (the system's by default; tests pass their own).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
