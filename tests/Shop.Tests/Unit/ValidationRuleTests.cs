using System.ComponentModel.DataAnnotations;
using Shop.OrderService.Model;
using Shop.ProductService.Model;
using Shop.UserService.Model;

namespace Shop.Tests.Unit;

public sealed class ValidationRuleTests
{
    private static IReadOnlyList<string> InvalidMembers(object model)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(model, new ValidationContext(model), results, validateAllProperties: true);
        return results.SelectMany(r => r.MemberNames).Order().ToList();
    }

    [Fact]
    public void AValidUserPasses() =>
        Assert.Empty(InvalidMembers(new UserRequest { Name = "Alice", Email = "alice@example.com", Age = 30 }));

    [Theory]
    [InlineData("", "a@example.com", 30, "Name")]
    [InlineData("Alice", "not-an-email", 30, "Email")]
    [InlineData("Alice", "a@example.com", -1, "Age")]
    [InlineData("Alice", "a@example.com", 151, "Age")]
    public void AUserWithABadFieldIsRefusedOnThatField(string name, string email, int age, string field) =>
        Assert.Equal([field], InvalidMembers(new UserRequest { Name = name, Email = email, Age = age }));

    [Fact]
    public void AUserNameLongerThanTheLimitIsRefused() =>
        Assert.Equal(["Name"], InvalidMembers(new UserRequest { Name = new string('x', UserRules.MaxNameLength + 1), Email = "a@example.com", Age = 1 }));

    [Theory]
    [InlineData("short")]
    [InlineData("")]
    public void ARegistrationWithATooShortPasswordIsRefused(string password) =>
        Assert.Equal(["Password"], InvalidMembers(new RegisterUserRequest { Name = "Alice", Email = "a@example.com", Age = 30, Password = password }));

    [Fact]
    public void ARegistrationWithAGoodPasswordPasses() =>
        Assert.Empty(InvalidMembers(new RegisterUserRequest { Name = "Alice", Email = "a@example.com", Age = 30, Password = "long enough" }));

    [Fact]
    public void AValidProductPasses() =>
        Assert.Empty(InvalidMembers(new ProductRequest { Sku = "BOOK-001", Name = "Book", Price = 12.50m, Currency = "EUR", Stock = 0 }));

    [Theory]
    [InlineData("book-001", "EUR", 1, 1, "Sku")]
    [InlineData("BOOK-001", "eur", 1, 1, "Currency")]
    [InlineData("BOOK-001", "EURO", 1, 1, "Currency")]
    [InlineData("BOOK-001", "EUR", -0.01, 1, "Price")]
    [InlineData("BOOK-001", "EUR", 1000000.01, 1, "Price")]
    [InlineData("BOOK-001", "EUR", 1, -1, "Stock")]
    public void AProductWithABadFieldIsRefusedOnThatField(string sku, string currency, double price, int stock, string field) =>
        Assert.Equal([field], InvalidMembers(new ProductRequest { Sku = sku, Name = "Book", Price = (decimal)price, Currency = currency, Stock = stock }));

    [Fact]
    public void AnOrderNamingAProductOnTwoLinesIsRefused()
    {
        var order = new PlaceOrderRequest
        {
            UserId = 1,
            Lines = [new OrderLineRequest { ProductId = 1, Quantity = 1 }, new OrderLineRequest { ProductId = 1, Quantity = 2 }]
        };

        Assert.Equal(["Lines"], InvalidMembers(order));
    }

    [Fact]
    public void AnOrderWithTooManyLinesIsRefused()
    {
        var order = new PlaceOrderRequest
        {
            UserId = 1,
            Lines = Enumerable.Range(1, OrderRules.MaxLines + 1).Select(id => new OrderLineRequest { ProductId = id, Quantity = 1 }).ToList()
        };

        Assert.Equal(["Lines"], InvalidMembers(order));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(OrderRules.MaxQuantity + 1)]
    public void AnOrderLineQuantityOutsideTheLimitsIsRefused(int quantity) =>
        Assert.Equal(["Quantity"], InvalidMembers(new OrderLineRequest { ProductId = 1, Quantity = quantity }));
}
