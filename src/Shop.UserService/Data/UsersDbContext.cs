using Microsoft.EntityFrameworkCore;
using Shop.UserService.Model;

namespace Shop.UserService.Data;

public sealed class UsersDbContext(DbContextOptions<UsersDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var user = modelBuilder.Entity<User>();
        user.Property(u => u.Name).HasMaxLength(UserRules.MaxNameLength);
        // Emails are unique whatever their case.
        user.Property(u => u.Email).HasMaxLength(UserRules.MaxEmailLength).UseCollation("NOCASE");
        user.HasIndex(u => u.Email).IsUnique();
        user.Property(u => u.Role).HasConversion<string>().HasMaxLength(16);
    }
}
