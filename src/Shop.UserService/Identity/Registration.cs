using Microsoft.AspNetCore.Identity;

namespace Shop.UserService.Identity;

/// <summary>Makes a customer's account, through the API or the registration page.</summary>
public sealed class Registration(UsersDbContext db, IPasswordHasher<User> hasher, TimeProvider clock)
{
    /// <summary>The new customer; null when the email already has an account.</summary>
    public async Task<User?> RegisterAsync(RegisterUserRequest request, CancellationToken cancellationToken)
    {
        var user = new User
        {
            Name = request.Name,
            Email = request.Email,
            Age = request.Age,
            CreatedAt = clock.GetStoredNow(),
            Role = UserRole.Customer
        };
        user.PasswordHash = hasher.HashPassword(user, request.Password);
        db.Users.Add(user);
        return await db.TrySaveChangesAsync(cancellationToken) ? user : null;
    }
}
