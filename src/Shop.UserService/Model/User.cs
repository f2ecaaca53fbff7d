namespace Shop.UserService.Model;

public sealed class User
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    public int Age { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The password, hashed by ASP.NET Core Identity's PasswordHasher; null for a user who cannot sign in.</summary>
    public string? PasswordHash { get; set; }

    public UserRole Role { get; set; }

    /// <summary>Sign-in attempts on this account in its current window (<see cref="SignInWindowEnd"/>).</summary>
    public int SignInAttempts { get; set; }

    /// <summary>When the account's current window of sign-in attempts ends (UTC); null before the first attempt.</summary>
    public DateTime? SignInWindowEnd { get; set; }
}

public enum UserRole
{
    Customer,
    Admin
}
