using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;

namespace Shop.UserService.Data;

/// <summary>The users database; on SQLite as it stands, with its migrations in <c>Data/Migrations</c>.</summary>
public class UsersDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<User> Users => Set<User>();

    /// <summary>The key that signs access tokens, one row, kept here so that every replica signs with it.</summary>
    public DbSet<StoredSigningKey> SigningKeys => Set<StoredSigningKey>();

    /// <summary>Invalidations of the user cache still owed to it, written with the change that needs them.</summary>
    public DbSet<CacheInvalidation> CacheInvalidations => Set<CacheInvalidation>();

    /// <summary>Failed sign-ins per account and address, kept here so that every replica counts them and a restart forgets none.</summary>
    public DbSet<SignInFailureCount> SignInFailures => Set<SignInFailureCount>();

    /// <summary>The sessions people have open at the issuer, kept here so that every replica knows which ended.</summary>
    public DbSet<IssuerSession> IssuerSessions => Set<IssuerSession>();

    /// <summary>
    /// The keys that protect the sign-in session cookie, the forms' antiforgery tokens, authorization codes and refresh
    /// tokens, kept here so that what one replica protects every other can read.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // The outbox of the events it owes the others (and the inbox, empty while it handles none).
        modelBuilder.AddIntegrationEventTables();

        var user = modelBuilder.Entity<User>();
        user.Property(u => u.Name).HasMaxLength(UserRules.MaxNameLength);
        // Emails are unique whatever their case.
        user.Property(u => u.Email).HasMaxLength(UserRules.MaxEmailLength).UseCollation("NOCASE");
        user.HasIndex(u => u.Email).IsUnique();
        user.Property(u => u.Role).HasConversion<string>().HasMaxLength(16);

        modelBuilder.Entity<StoredSigningKey>().Property(k => k.Id).ValueGeneratedNever();

        var failures = modelBuilder.Entity<SignInFailureCount>();
        failures.HasKey(f => new { f.AccountKey, f.AddressKey });
        failures.Property(f => f.AccountKey).HasMaxLength(SignInFailureCount.KeyLength);
        failures.Property(f => f.AddressKey).HasMaxLength(SignInFailureCount.KeyLength);
        failures.Property(f => f.WindowEnd).ReadAsUtc();
        // The pruning pass removes the windows that have ended.
        failures.HasIndex(f => f.WindowEnd);

        var session = modelBuilder.Entity<IssuerSession>();
        session.Property(s => s.Id).HasMaxLength(IssuerSession.IdLength).ValueGeneratedNever();
        session.Property(s => s.ExpiresAt).ReadAsUtc();
        // A password change ends every session of the person; the pruning pass removes the sessions that have ended.
        session.HasIndex(s => s.UserId);
        session.HasIndex(s => s.ExpiresAt);

        // OpenIddict's applications, authorizations, scopes and tokens are part of the model, whoever builds it.
        modelBuilder.UseOpenIddict();
    }
}

/// <summary>The users database on PostgreSQL, with its migrations in <c>Data/PostgresMigrations</c>.</summary>
public sealed class PostgresUsersDbContext(DbContextOptions<PostgresUsersDbContext> options) : UsersDbContext(options)
{
    private const string CaseInsensitive = "case_insensitive";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // PostgreSQL has no NOCASE: an ICU collation that ignores case keeps emails unique whatever their case.
        modelBuilder.HasCollation(CaseInsensitive, locale: "und-u-ks-level2", provider: "icu", deterministic: false);
        modelBuilder.Entity<User>().Property(u => u.Email).UseCollation(CaseInsensitive);
    }
}
