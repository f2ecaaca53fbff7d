using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Shop.UserService.Data;

internal static class UsersSeed
{
    /// <summary>The workshop's two users, added once to an empty database, in Development.</summary>
    public static Task SeedSampleUsersAsync(UsersDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        return db.AddIfEmptyAsync(db.Users,
        [
            new User { Name = "Alice", Email = "alice@example.com", Age = 30, CreatedAt = now },
            new User { Name = "Bob", Email = "bob@example.com", Age = 25, CreatedAt = now }
        ], cancellationToken);
    }

    /// <summary>
    /// What every environment needs: the administrator, the service clients and the browser apps. It runs under the migration lease, so
    /// that replicas starting together make each once rather than racing to replace one another's.
    /// </summary>
    public static async Task EnsureRequiredAccountsAsync(UsersDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        await EnsureAdministratorAsync(db, services, cancellationToken);
        var identity = services.GetRequiredService<IOptions<ShopIdentityOptions>>().Value;
        await ServiceClients.RegisterAsync(services, identity, cancellationToken);
        await BrowserApplications.RegisterAsync(services, identity, cancellationToken);
    }

    /// <summary>
    /// The administrator (<c>Identity:Admin</c>), made where a password is given: someone must be able to add the first
    /// products. Its password is the configured one, as each service client's secret is: a changed setting replaces the
    /// stored hash at the next start.
    /// </summary>
    private static async Task EnsureAdministratorAsync(UsersDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var admin = services.GetRequiredService<IOptions<ShopIdentityOptions>>().Value.Admin;
        // The options are checked at start: with a password, there is an email.
        if (admin is not { Password: { Length: > 0 } password, Email: { } email })
        {
            return;
        }

        var hasher = services.GetRequiredService<IPasswordHasher<User>>();
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == email, cancellationToken);
        if (user is null)
        {
            user = new User { Name = "Administrator", Email = email, Age = 0, CreatedAt = DateTimeOffset.UtcNow, Role = UserRole.Admin };
            db.Users.Add(user);
        }
        else if (user.Role != UserRole.Admin)
        {
            // A customer who registered the address first keeps their account and password.
            return;
        }
        else if (user.PasswordHash is { } stored && hasher.VerifyHashedPassword(user, stored, password) == PasswordVerificationResult.Success)
        {
            return;
        }

        user.PasswordHash = hasher.HashPassword(user, password);
        await db.SaveChangesAsync(cancellationToken);
    }
}
