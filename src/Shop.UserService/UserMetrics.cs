using System.Diagnostics.Metrics;
using Shop.ServiceDefaults.Telemetry;

namespace Shop.UserService;

/// <summary>The users service's own meter: sign-ins that failed or were held back, and how often the user cache answers.</summary>
public sealed class UserMetrics(IMeterFactory meterFactory)
{
    public const string MeterName = "Shop.Users";

    private readonly Counter<long> _signInsFailed = meterFactory.CreateCounter(MeterName, "shop.sign_ins.failed", "{attempt}",
        "Sign-ins refused for a wrong email or password.");

    private readonly TaggedCounter _signInsRateLimited = meterFactory.CreateTaggedCounter(MeterName, "shop.sign_ins.rate_limited", "limit", "{attempt}",
        "Sign-ins refused with 429 before the password was checked, by limit: account-address (failures from one address), account (failures from every address) or address (requests).");

    private readonly TaggedCounter _userCacheLookups = meterFactory.CreateTaggedCounter(MeterName, "shop.user_cache.lookups", "result", "{lookup}",
        "Lookups of a user in the shared cache, by result: hit or miss.");

    public void SignInFailed() => _signInsFailed.Add(1);

    public void SignInRateLimited(string limit) => _signInsRateLimited.Add(limit);

    public void UserCacheLookup(bool hit) => _userCacheLookups.Add(hit ? "hit" : "miss");
}
