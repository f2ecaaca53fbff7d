namespace Shop.Contracts;

/// <summary>A user as the users service shows it: in its API, and in the cache entry the orders service reads.</summary>
public sealed record UserResponse(int Id, string Name, string Email, int Age, DateTimeOffset CreatedAt);

/// <summary>
/// The shared cache's entries of users. Only the users service writes them; the orders service reads
/// <see cref="Key"/>, which holds a <see cref="UserResponse"/> as JSON.
/// </summary>
public static class UserCacheEntry
{
    public static string Key(int userId) => $"{ShopServices.Users}:{userId}";

    /// <summary>Bumped by every invalidation, so that a lookup that read the database before an update cannot cache it after.</summary>
    public static string VersionKey(int userId) => $"{ShopServices.Users}:{userId}:version";
}
