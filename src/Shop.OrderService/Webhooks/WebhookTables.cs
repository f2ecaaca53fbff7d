using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Shop.OrderService.Webhooks;

public static class WebhookTables
{
    // ReadAsUtc for a time that may be missing: EF Core never hands a converter a null.
    private static readonly ValueConverter<DateTime, DateTime> UtcWhenPresent = new(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    /// <summary>The webhook endpoints and their deliveries, in the service's database.</summary>
    public static void AddWebhookTables(this ModelBuilder modelBuilder)
    {
        var endpoint = modelBuilder.Entity<WebhookEndpoint>();
        endpoint.ToTable("WebhookEndpoints");
        endpoint.Property(e => e.Url).HasMaxLength(WebhookEndpoint.MaxUrlLength);
        endpoint.Property(e => e.Secret).HasMaxLength(WebhookEndpoint.MaxSecretLength);
        endpoint.Property(e => e.CreatedAt).ReadAsUtc();

        var delivery = modelBuilder.Entity<WebhookDelivery>();
        delivery.ToTable("WebhookDeliveries");
        delivery.HasOne(d => d.Endpoint).WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        // An event is delivered to an endpoint once, however often it reaches the service.
        delivery.HasIndex(d => new { d.EndpointId, d.EventId }).IsUnique();
        delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
        delivery.HasIndex(d => new { d.EndpointId, d.CreatedAt });
        delivery.Property(d => d.EventType).HasMaxLength(64);
        delivery.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        delivery.Property(d => d.LastError).HasMaxLength(WebhookDelivery.MaxErrorLength);
        delivery.Property(d => d.NextAttemptAt).ReadAsUtc();
        delivery.Property(d => d.CreatedAt).ReadAsUtc();
        delivery.Property(d => d.DeliveredAt).HasConversion(UtcWhenPresent);
    }
}
