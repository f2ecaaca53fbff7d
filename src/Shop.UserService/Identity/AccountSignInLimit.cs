using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Shop.Data.Persistence;
using Shop.UserService.Data;

namespace Shop.UserService.Identity;

/// <summary>
/// Limits failed sign-ins per account so that guessing a password is slow, without letting anyone keep an account
/// locked: failures are counted per account and client address (<c>RateLimits:SignInFailuresPerAccountAndAddress</c>),
/// so a flood of wrong passwords from one address holds back only that address; and per account across addresses up to a
/// looser ceiling (<c>RateLimits:SignInFailuresPerAccount</c>), past which only addresses with no failure for the account
/// reach the password check, so that a spray from many addresses slows down while the owner still signs in.
/// The counts are rows of the users database taken by conditional updates, so every replica counts against the same
/// limit and a restart forgets nothing. An email without an account is counted as one with an account is, so the
/// answers do not tell them apart.
/// </summary>
public sealed class AccountSignInLimit(UsersDbContext db, IOptions<SignInLimitOptions> options, TimeProvider clock)
{
    /// <summary>Why an attempt is held back, and for how long.</summary>
    public sealed record Refusal(string Limit, TimeSpan RetryAfter);

    /// <summary>
    /// Counts the attempt of <paramref name="email"/> from <paramref name="address"/> as a failure before the password
    /// is checked, so that attempts sent at once cannot all pass before any is counted; <see cref="ForgiveAsync"/> takes
    /// it back when the password is right. Null when the attempt may go ahead, else why and how long it waits.
    /// </summary>
    public async Task<Refusal?> CountFailureAsync(string email, string address, CancellationToken cancellationToken)
    {
        var account = AccountKey(email);
        var settings = options.Value;
        // A window that ends, or a row that another attempt adds, between two of these steps is met again by the next round.
        for (var round = 0; round < 3; round++)
        {
            var now = clock.GetStoredNow().UtcDateTime;
            var pair = await db.SignInFailures.AsNoTracking()
                .Where(f => f.AccountKey == account && f.AddressKey == address && f.WindowEnd > now)
                .Select(f => new { f.Failures, f.WindowEnd })
                .FirstOrDefaultAsync(cancellationToken);
            if (pair is not null && pair.Failures >= settings.SignInFailuresPerAccountAndAddress)
            {
                return new Refusal("account-address", pair.WindowEnd - now);
            }

            if (pair is not null
                && await db.SignInFailures.Where(f => f.AccountKey == account && f.WindowEnd > now).SumAsync(f => f.Failures, cancellationToken)
                    >= settings.SignInFailuresPerAccount)
            {
                return new Refusal("account", pair.WindowEnd - now);
            }

            if (await db.SignInFailures
                .Where(f => f.AccountKey == account && f.AddressKey == address && f.WindowEnd > now
                    && f.Failures < settings.SignInFailuresPerAccountAndAddress)
                .ExecuteUpdateAsync(set => set.SetProperty(f => f.Failures, f => f.Failures + 1), cancellationToken) == 1)
            {
                return null;
            }

            if (await db.SignInFailures
                .Where(f => f.AccountKey == account && f.AddressKey == address && f.WindowEnd <= now)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(f => f.Failures, 1)
                    .SetProperty(f => f.WindowEnd, now + settings.SignInFailureWindow), cancellationToken) == 1)
            {
                return null;
            }

            var opened = new SignInFailureCount { AccountKey = account, AddressKey = address, Failures = 1, WindowEnd = now + settings.SignInFailureWindow };
            db.SignInFailures.Add(opened);
            var added = await db.TrySaveChangesAsync(cancellationToken);
            db.Entry(opened).State = EntityState.Detached;
            if (added)
            {
                return null;
            }
        }

        return new Refusal("account-address", settings.SignInFailureWindow);
    }

    /// <summary>The password was right: the failures of <paramref name="email"/> from <paramref name="address"/> are forgotten.</summary>
    public Task ForgiveAsync(string email, string address, CancellationToken cancellationToken)
    {
        var account = AccountKey(email);
        return db.SignInFailures.Where(f => f.AccountKey == account && f.AddressKey == address).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Removes the windows that have ended.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetStoredNow().UtcDateTime;
        return db.SignInFailures.Where(f => f.WindowEnd <= now).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// The email as the users table compares it (case aside), hashed: the row says nothing of what was typed, and has a
    /// fixed length whatever was.
    /// </summary>
    private static string AccountKey(string email) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(email.ToUpperInvariant())));
}
