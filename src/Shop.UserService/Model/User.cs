namespace Shop.UserService.Model;

public sealed class User
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    public int Age { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
