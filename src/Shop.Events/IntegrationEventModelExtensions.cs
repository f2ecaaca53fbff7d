using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Shop.Data.Persistence;
using Shop.Events;
using Shop.Events.Inbox;
using Shop.Events.Outbox;

namespace Microsoft.EntityFrameworkCore;

public static class IntegrationEventModelExtensions
{
    /// <summary>Adds the outbox and the inbox of integration events to the service's model; its migrations create them.</summary>
    public static ModelBuilder AddIntegrationEventTables(this ModelBuilder modelBuilder)
    {
        var outbox = modelBuilder.Entity<OutboxEvent>();
        outbox.ToTable("OutboxEvents");
        outbox.HasKey(e => e.Id);
        outbox.HasIndex(e => e.EventId).IsUnique();
        outbox.Property(e => e.Type).HasMaxLength(IntegrationEventLimits.MaxTypeLength);
        outbox.Property(e => e.Envelope).HasMaxLength(IntegrationEventLimits.MaxEnvelopeLength);
        outbox.Property(e => e.LastError).HasMaxLength(IntegrationEventLimits.MaxErrorLength);
        outbox.Property(e => e.OccurredAt).ReadAsUtc();
        outbox.Property(e => e.PublishedAt).ReadAsUtc();
        outbox.Property(e => e.NextAttemptAt).ReadAsUtc();
        // The relay reads the unpublished rows in id order, the gauges count them, and the retention removes the
        // published ones by age: all three start from PublishedAt.
        outbox.HasIndex(e => new { e.PublishedAt, e.Id });

        var inbox = modelBuilder.Entity<InboxEvent>();
        inbox.ToTable("InboxEvents");
        inbox.HasKey(e => e.EventId);
        inbox.Property(e => e.EventId).ValueGeneratedNever();
        inbox.Property(e => e.Type).HasMaxLength(IntegrationEventLimits.MaxTypeLength);
        inbox.Property(e => e.Envelope).HasMaxLength(IntegrationEventLimits.MaxEnvelopeLength);
        inbox.Property(e => e.LastError).HasMaxLength(IntegrationEventLimits.MaxErrorLength);
        inbox.Property(e => e.ReceivedAt).ReadAsUtc();
        inbox.Property(e => e.HandledAt).ReadAsUtc();
        inbox.Property(e => e.NextAttemptAt).ReadAsUtc();
        inbox.Property(e => e.DeadLetteredAt).ReadAsUtc();
        // The retry worker reads the rows that fall due, the admin lists the dead letters, and the retention removes
        // the handled ones by age.
        inbox.HasIndex(e => e.NextAttemptAt);
        inbox.HasIndex(e => e.DeadLetteredAt);
        inbox.HasIndex(e => e.HandledAt);
        return modelBuilder;
    }

    /// <summary>Reads a time that may be missing back as UTC, as it was stored: SQLite keeps no <see cref="DateTimeKind"/>.</summary>
    private static PropertyBuilder<DateTime?> ReadAsUtc(this PropertyBuilder<DateTime?> property) =>
        property.HasConversion(v => v, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
}
