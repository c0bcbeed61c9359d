using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CortexHub.Api;

/// <summary>Marks routes whose answer carries a secret (an API key, a node token, a provisioning script).</summary>
internal static class SecretAnswers
{
    /// <summary>
    /// <c>Cache-Control: no-store</c> on the route's answers, set before the handler runs so the
    /// problems it returns carry it too: no browser, proxy or HTTP cache keeps a copy of the secret.
    /// </summary>
    public static RouteHandlerBuilder CarriesSecret(this RouteHandlerBuilder route) =>
        route.AddEndpointFilter((context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return next(context);
        });
}
