using System.ComponentModel.DataAnnotations;

namespace Shop.UserService.Model;

/// <summary>A change of the signed-in user's password: the current one proves it is them, the new one follows the rules of registration.</summary>
public sealed record ChangePasswordRequest
{
    [Required, StringLength(UserRules.MaxPasswordLength)]
    public required string CurrentPassword { get; init; }

    [Required, StringLength(UserRules.MaxPasswordLength, MinimumLength = UserRules.MinPasswordLength)]
    public required string NewPassword { get; init; }
}
