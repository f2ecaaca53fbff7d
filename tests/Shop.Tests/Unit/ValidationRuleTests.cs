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
    [InlineData("admin\u202Egpj.exe")]
    [InlineData("\u202DAnn")]
    [InlineData("\u2066Ann\u2069")]
    [InlineData("Ann\u200E")]
    [InlineData("Ann\u200F")]
    [InlineData("Ann\u061C")]
    [InlineData("An\u200Bn")]
    [InlineData("An\u200Cn")]
    [InlineData("An\u200Dn")]
    [InlineData("An\u2060n")]
    [InlineData("\uFEFFAnn")]
    [InlineData("An\u180En")]
    [InlineData("An\u00ADn")]
    [InlineData("Ann\u2028Smith")]
    [InlineData("Ann\u0085")]
    [InlineData("Ann\uE000")]
    [InlineData("Ann\u0378")]
    public void ANameWithABidirectionalControlAZeroWidthOrAnInvisibleCharacterIsRefused(string name) =>
        Assert.Equal(["Name"], InvalidMembers(new UserRequest { Name = name, Email = "a@example.com", Age = 30 }));

    [Fact]
    public void ANameWithAnUnpairedSurrogateIsRefused() =>
        Assert.Equal(["Name"], InvalidMembers(new UserRequest { Name = "Ann" + (char)0xD800, Email = "a@example.com", Age = 30 }));

    [Theory]
    [InlineData("Zo\u00EB")]
    [InlineData("José Álvarez")]
    [InlineData("Łukasz Żółć")]
    [InlineData("李小龙")]
    [InlineData("عمر")]
    [InlineData("O'Brien-Smith")]
    public void ANameInAnyScriptPasses(string name) =>
        Assert.Empty(InvalidMembers(new UserRequest { Name = name, Email = "a@example.com", Age = 30 }));

    [Fact]
    public void ANameIsKeptInNormalisationFormC() =>
        Assert.Equal("Zo\u00EB", new UserRequest { Name = "Zoe\u0308", Email = "a@example.com", Age = 30 }.Name);

    [Theory]
    [InlineData("\u0430lice@example.com")]
    [InlineData("alice@ex\u0430mple.com")]
    [InlineData("alice@b\u00FCcher.example")]
    [InlineData("ali\u200Dce@example.com")]
    [InlineData("alice@example.com\u202E")]
    [InlineData("alice\u00A0@example.com")]
    public void AnEmailWithALetterOutsideAsciiOrAnInvisibleCharacterIsRefused(string email) =>
        Assert.Equal(["Email"], InvalidMembers(new UserRequest { Name = "Alice", Email = email, Age = 30 }).Distinct());

    [Theory]
    [InlineData("alice@xn--bcher-kva.example")]
    [InlineData("o'brien+shop@example.com")]
    public void AnAsciiEmailWithAPunycodeDomainPasses(string email) =>
        Assert.Empty(InvalidMembers(new UserRequest { Name = "Alice", Email = email, Age = 30 }));

    [Theory]
    [InlineData("Cup\u202Egpj.exe")]
    [InlineData("C\u200Bup")]
    public void AProductNameWithABidirectionalControlOrAZeroWidthCharacterIsRefused(string name) =>
        Assert.Equal(["Name"], InvalidMembers(new ProductRequest { Sku = "BOOK-001", Name = name, Price = 1m, Currency = "EUR", Stock = 0 }));

    [Fact]
    public void AProductNameIsKeptInNormalisationFormC() =>
        Assert.Equal("Caf\u00E9", new ProductRequest { Sku = "BOOK-001", Name = "Cafe\u0301", Price = 1m, Currency = "EUR", Stock = 0 }.Name);

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
