using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Shop.Data.Persistence;

public static class StoredTime
{
    /// <summary>
    /// Now, cut to whole microseconds, for a time that is stored: PostgreSQL keeps no finer time, so the answer given when
    /// something is made shows the same time as every later read of it.
    /// </summary>
    public static DateTimeOffset GetStoredNow(this TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    /// <summary>Reads the time back as UTC, as it was stored: SQLite keeps no <see cref="DateTimeKind"/>.</summary>
    public static PropertyBuilder<DateTime> ReadAsUtc(this PropertyBuilder<DateTime> property) =>
        property.HasConversion(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
