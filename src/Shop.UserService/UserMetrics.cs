using System.Diagnostics.Metrics;

namespace Shop.UserService;

/// <summary>The users service's own meter: sign-ins that failed or were held back, and how often the user cache answers.</summary>
public sealed class UserMetrics
{
    public const string MeterName = "Shop.Users";

    private readonly Counter<long> _signInsFailed;
    private readonly Counter<long> _signInsRateLimited;
    private readonly Counter<long> _userCacheLookups;

    public UserMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _signInsFailed = meter.CreateCounter<long>("shop.sign_ins.failed", "{attempt}", "Sign-ins refused for a wrong email or password.");
        _signInsRateLimited = meter.CreateCounter<long>("shop.sign_ins.rate_limited", "{attempt}",
            "Sign-ins refused with 429 before the password was checked, by limit: account or address.");
        _userCacheLookups = meter.CreateCounter<long>("shop.user_cache.lookups", "{lookup}",
            "Lookups of a user in the shared cache, by result: hit or miss.");
    }

    public void SignInFailed() => _signInsFailed.Add(1);

    public void SignInRateLimited(string limit) => _signInsRateLimited.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void UserCacheLookup(bool hit) => _userCacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
}
