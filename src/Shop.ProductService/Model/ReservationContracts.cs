using System.ComponentModel.DataAnnotations;
using Shop.ServiceDefaults.Input;

namespace Shop.ProductService.Model;

public sealed record ReserveRequest : IValidatableObject
{
    [Range(1, int.MaxValue)]
    public required int OrderId { get; init; }

    [Required, Length(1, ReservationRules.MaxLines)]
    public required IReadOnlyList<ReserveLineRequest> Lines { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        ListRules.EachPresentAndUnique(Lines, l => l.ProductId, nameof(Lines), "Each product may appear on one line only.");
}

/// <summary>The reserves of several orders, sent together; each order is held all or nothing, as if reserved alone.</summary>
public sealed record ReserveManyRequest : IValidatableObject
{
    [Required, Length(1, ReservationLimits.OrdersPerCall)]
    public required IReadOnlyList<ReserveRequest> Reservations { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        ListRules.EachPresentAndUnique(Reservations, r => r.OrderId, nameof(Reservations), "Each order may appear once.");
}

/// <summary>The confirms of several orders, sent together.</summary>
public sealed record ConfirmManyRequest : IValidatableObject
{
    [Required, Length(1, ReservationLimits.OrdersPerCall)]
    public required IReadOnlyList<int> OrderIds { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OrderIds is null)
        {
            yield break;
        }

        if (OrderIds.Any(id => id < 1))
        {
            yield return new ValidationResult("Every order id must be 1 or more.", [nameof(OrderIds)]);
        }

        if (OrderIds.Distinct().Count() != OrderIds.Count)
        {
            yield return new ValidationResult("Each order may appear once.", [nameof(OrderIds)]);
        }
    }
}

public sealed record ReserveLineRequest
{
    [Range(1, int.MaxValue)]
    public required int ProductId { get; init; }

    [Range(1, ProductRules.MaxStock)]
    public required int Quantity { get; init; }
}

public static class ReservationMapping
{
    /// <summary>The reservation as the API shows it.</summary>
    public static ReservationResponse ToResponse(this Reservation reservation) => new(
        reservation.OrderId,
        reservation.Status,
        reservation.CreatedAt,
        reservation.Lines.Select(l => new ReservationLineResponse(l.ProductId, l.Quantity)).ToList());
}

public static class ReservationRules
{
    public const int MaxLines = 50;
}
