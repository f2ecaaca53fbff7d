namespace Shop.UserService.Identity;

/// <summary>
/// A person signing in with their email and password, at the token endpoint (password grant) or on the sign-in page:
/// the same limits, the same check, the same answers. An email without an account is counted and checked as one with
/// an account is: the answers, and the time they take, do not tell whether an account exists.
/// </summary>
public sealed class PasswordSignIn(UsersDbContext db, PasswordCheck passwords, AccountSignInLimit accounts, UserMetrics metrics)
{
    /// <summary>The person, when the password is right; else why not: held back by the limits, or a wrong email or password.</summary>
    public sealed record Outcome(User? User, AccountSignInLimit.Refusal? Refusal);

    public async Task<Outcome> SignInAsync(string email, string password, string address, CancellationToken cancellationToken)
    {
        if (await accounts.CountFailureAsync(email, address, cancellationToken) is { } refusal)
        {
            metrics.SignInRateLimited(refusal.Limit);
            return new Outcome(null, refusal);
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
        if (!passwords.IsRight(user, password))
        {
            metrics.SignInFailed();
            return new Outcome(null, null);
        }

        await accounts.ForgiveAsync(email, address, cancellationToken);
        return new Outcome(user, null);
    }
}
