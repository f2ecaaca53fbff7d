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
}

public enum UserRole
{
    Customer,
    Admin
}
