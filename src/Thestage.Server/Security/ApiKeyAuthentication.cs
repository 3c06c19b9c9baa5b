using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Thestage.Server.Security;

/// <summary>
/// ASP.NET Core authentication by the <c>x-api-key</c> header against the server's <see cref="ApiKeyRing"/>. It runs
/// before the endpoint, so an unauthenticated call is refused (HTTP 401, which gRPC clients read as UNAUTHENTICATED)
/// before its message is read. The header's value is never logged.
/// </summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyRing keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string Header = "x-api-key";

    public const string ClientClaim = "thestage:client";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count != 1)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!keys.TryAuthenticate(values[0], out string client))
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not accepted."));
        }

        var identity = new ClaimsIdentity([new Claim(ClientClaim, client)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <summary>The client's name (<c>key N</c>) of an authenticated call.</summary>
    public static string ClientOf(ClaimsPrincipal user) =>
        user.FindFirst(ClientClaim)?.Value ?? throw new InvalidOperationException("The call was not authenticated.");
}
