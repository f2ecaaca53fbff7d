namespace Shop.UserService.Model;

/// <summary>
/// An invalidation of the cache entry <c>users:{UserId}</c> that is still to reach the cache, written with the change
/// that needs it (see <see cref="Caching.CacheInvalidations"/>).
/// </summary>
public sealed class CacheInvalidation
{
    public long Id { get; set; }
    public int UserId { get; set; }
    public DateTime CreatedAt { get; set; }
}
