using System.ComponentModel.DataAnnotations;
using Shop.ServiceDefaults;

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

public sealed record ReserveLineRequest
{
    [Range(1, int.MaxValue)]
    public required int ProductId { get; init; }

    [Range(1, ProductRules.MaxStock)]
    public required int Quantity { get; init; }
}

public sealed record ReservationResponse(int OrderId, ReservationStatus Status, DateTime CreatedAt, IReadOnlyList<ReserveLineResponse> Lines)
{
    public static ReservationResponse From(Reservation reservation) => new(
        reservation.OrderId,
        reservation.Status,
        reservation.CreatedAt,
        reservation.Lines.Select(l => new ReserveLineResponse(l.ProductId, l.Quantity)).ToList());
}

public sealed record ReserveLineResponse(int ProductId, int Quantity);

public static class ReservationRules
{
    public const int MaxLines = 50;
}
