using System.ComponentModel.DataAnnotations;

namespace Shop.ServiceDefaults.Security;

/// <summary>How every service checks the lifetime of a bearer token, from the <c>Identity</c> section.</summary>
public sealed class TokenValidationOptions
{
    public const string Section = "Identity";

    /// <summary>The setting of <see cref="ClockSkew"/>.</summary>
    public const string ClockSkewSetting = Section + ":" + nameof(ClockSkew);

    /// <summary>
    /// How far a token's <c>exp</c> and <c>nbf</c> may be off for clocks that differ between the issuer and a service.
    /// JwtBearer's own default is five minutes: a token would then be good five minutes past its expiry. Servers kept on
    /// time by NTP differ by milliseconds, so half a minute is plenty; the issuer keeps a replaced key published this
    /// much longer than a token's lifetime.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
