using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Shop.UserService.Identity;
using Shop.UserService.Model;
using IdentityOptions = Shop.UserService.Identity.IdentityOptions;

namespace Shop.UserService.Data;

internal static class UsersSeed
{
    /// <summary>The workshop's two users, added once to an empty database, in Development.</summary>
    public static async Task SeedSampleUsersAsync(UsersDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!await db.Users.AnyAsync(cancellationToken))
        {
            var now = DateTimeOffset.UtcNow;
            db.Users.AddRange(
                new User { Name = "Alice", Email = "alice@example.com", Age = 30, CreatedAt = now },
                new User { Name = "Bob", Email = "bob@example.com", Age = 25, CreatedAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// What every environment needs: the administrator and the service clients. It runs under the migration lease, so
    /// that replicas starting together make each once rather than racing to replace one another's.
    /// </summary>
    public static async Task SeedAsync(UsersDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        await EnsureAdministratorAsync(db, services, cancellationToken);
        await ServiceClients.RegisterAsync(services, services.GetRequiredService<IOptions<IdentityOptions>>().Value, cancellationToken);
    }

    /// <summary>
    /// The administrator (<c>Identity:Admin</c>), made once where a password is given: someone must be able to add the
    /// first products.
    /// </summary>
    private static async Task EnsureAdministratorAsync(UsersDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var admin = services.GetRequiredService<IOptions<IdentityOptions>>().Value.Admin;
        if (admin.Password is { Length: > 0 } password && !await db.Users.AnyAsync(u => u.Email == admin.Email, cancellationToken))
        {
            var user = new User { Name = "Administrator", Email = admin.Email, Age = 0, CreatedAt = DateTimeOffset.UtcNow, Role = UserRole.Admin };
            user.PasswordHash = services.GetRequiredService<IPasswordHasher<User>>().HashPassword(user, password);
            db.Users.Add(user);
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
