namespace Shop.Tests.Infrastructure;

// The API's JSON as a client reads it, written from the outside so that a contract change shows up here.

public sealed record UserDto(int Id, string Name, string Email, int Age, DateTimeOffset CreatedAt);

public sealed record ProductDto(int Id, string Sku, string Name, decimal Price, string Currency, int Stock);

public sealed record OrderLineDto(int ProductId, string Sku, string Name, decimal UnitPrice, int Quantity, decimal LineTotal);

public sealed record OrderDto(int Id, string Status, DateTimeOffset CreatedAt, decimal Total, string Currency, UserDto? User, string UserStatus, IReadOnlyList<OrderLineDto> Lines);

public sealed record OrderSummaryDto(int Id, int UserId, string Status, decimal Total, string Currency, IReadOnlyList<OrderLineDto> Lines);

public sealed record PageDto<T>(int PageIndex, int PageSize, int TotalCount, IReadOnlyList<T> Items);

public sealed record ReservationDto(int OrderId, string Status, IReadOnlyList<ReservationLineDto> Lines);

public sealed record ReservationLineDto(int ProductId, int Quantity);

public sealed record SigningKeyDto(string KeyId, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt, string State);
