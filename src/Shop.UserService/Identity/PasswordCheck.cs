using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Shop.UserService.Identity;

/// <summary>
/// Checks a password against a user's hash; for an email without an account, or an account without a password, it
/// checks it against the hash of a random password, so that a wrong email costs the same work, and takes the same
/// time, as a wrong password.
/// </summary>
public sealed class PasswordCheck(IPasswordHasher<User> hasher)
{
    private static readonly User Nobody = new() { Name = "", Email = "" };

    private readonly string _unmatchableHash = hasher.HashPassword(Nobody, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));

    public bool IsRight([NotNullWhen(true)] User? user, string password)
    {
        if (user?.PasswordHash is not { } hash)
        {
            hasher.VerifyHashedPassword(Nobody, _unmatchableHash, password);
            return false;
        }

        return hasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed;
    }
}
