using Microsoft.EntityFrameworkCore;
using Shop.UserService.Model;

namespace Shop.UserService.Data;

internal static class UsersSeed
{
    /// <summary>The workshop's two users, added once to an empty database.</summary>
    public static async Task SeedAsync(UsersDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        db.Users.AddRange(
            new User { Name = "Alice", Email = "alice@example.com", Age = 30, CreatedAt = now },
            new User { Name = "Bob", Email = "bob@example.com", Age = 25, CreatedAt = now });
        await db.SaveChangesAsync(cancellationToken);
    }
}
