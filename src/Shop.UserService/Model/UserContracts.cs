using System.ComponentModel.DataAnnotations;
using Shop.ServiceDefaults.Input;

namespace Shop.UserService.Model;

/// <summary>The body of an update: every field is required.</summary>
public record UserRequest
{
    /// <summary>Stored in Unicode normalisation form C (<see cref="TextRules.Nfc"/>).</summary>
    [Required, StringLength(UserRules.MaxNameLength, MinimumLength = 1), PlainText]
    public required string Name { get; init => field = TextRules.Nfc(value); }

    [Required, EmailAddress, StringLength(UserRules.MaxEmailLength), EmailText]
    public required string Email { get; init; }

    [Range(UserRules.MinAge, UserRules.MaxAge)]
    public required int Age { get; init; }
}

/// <summary>A registration: the user and the password they will sign in with.</summary>
public sealed record RegisterUserRequest : UserRequest
{
    [Required, StringLength(UserRules.MaxPasswordLength, MinimumLength = UserRules.MinPasswordLength)]
    public required string Password { get; init; }
}

public static class UserMapping
{
    /// <summary>The user as the API and the user cache show it.</summary>
    public static UserResponse ToResponse(this User user) => new(user.Id, user.Name, user.Email, user.Age, user.CreatedAt);
}

public static class UserRules
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;
    public const int MinAge = 0;
    public const int MaxAge = 150;
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;
}
