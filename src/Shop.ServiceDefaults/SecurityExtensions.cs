using Microsoft.AspNetCore.Builder;

namespace Microsoft.Extensions.Hosting;

public static class SecurityExtensions
{
    /// <summary>Authenticates bearer tokens, authorizes, then rate-limits: in that order, so that limits know the user.</summary>
    public static WebApplication UseDefaultSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
