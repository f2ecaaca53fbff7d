using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Shop.Data.Persistence;
using Shop.UserService.Data;

namespace Shop.UserService.Identity;

/// <summary>
/// Limits sign-in attempts per account, whatever address or replica they reach, against password guessing: the count
/// of attempts in the account's current one-minute window is kept with the user, and taken by conditional updates, so
/// that every replica counts against the same limit and a restart forgets nothing.
/// </summary>
public sealed class AccountSignInLimit(UsersDbContext db, IOptions<SignInLimitOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Counts an attempt against the account <paramref name="userId"/>: null when it may go ahead, else how long until
    /// the account's window ends.
    /// </summary>
    public async Task<TimeSpan?> CountAttemptAsync(int userId, CancellationToken cancellationToken)
    {
        var limit = options.Value.SignInsPerAccountPerMinute;
        // A window that ends between two of these steps is met again by the next round.
        for (var round = 0; round < 3; round++)
        {
            var now = clock.GetStoredNow().UtcDateTime;
            var opened = await db.Users
                .Where(u => u.Id == userId && (u.SignInWindowEnd == null || u.SignInWindowEnd <= now))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(u => u.SignInAttempts, 1)
                    .SetProperty(u => u.SignInWindowEnd, now + Window), cancellationToken);
            if (opened == 1)
            {
                return null;
            }

            var counted = await db.Users
                .Where(u => u.Id == userId && u.SignInWindowEnd > now && u.SignInAttempts < limit)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.SignInAttempts, u => u.SignInAttempts + 1), cancellationToken);
            if (counted == 1)
            {
                return null;
            }

            var windowEnd = await db.Users.Where(u => u.Id == userId).Select(u => u.SignInWindowEnd).SingleOrDefaultAsync(cancellationToken);
            if (windowEnd > now)
            {
                return windowEnd - now;
            }
        }

        return Window;
    }
}
