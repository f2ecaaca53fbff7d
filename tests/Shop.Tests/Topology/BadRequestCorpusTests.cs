using System.Net;
using System.Text;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// Bad input, endpoint by endpoint: each case gets a 4xx problem and writes nothing. The cases run on a
/// topology of their own, one at a time, so that counting what is stored before and after is exact.
/// </summary>
[Collection(OwnTopologyCollection.Name)]
public sealed class BadRequestCorpusTests(FaultTopologyFixture fixture)
{
    private const string Json = "application/json";

    private static readonly string User = """{"name":"Ann","email":"ann@example.com","age":30,"password":"long enough"}""";
    private static readonly string Product = """{"sku":"CORPUS-1","name":"Cup","price":2.5,"currency":"EUR","stock":5}""";

    private ShopTopology Shop => fixture.Topology;

    /// <summary>Who sends the request: nobody, the customer whose record is <c>{self}</c>, the admin, or the orders service.</summary>
    public enum As
    {
        Anonymous,
        Customer,
        Admin,
        Service
    }

    public static TheoryData<string, As, string, string, string, string?, int> Cases()
    {
        var cases = new TheoryData<string, As, string, string, string, string?, int>();
        void Add(string name, As caller, string method, string path, string? body, int status, string contentType = Json) =>
            cases.Add(name, caller, method, path, contentType, body, status);

        // users
        Add("users: malformed JSON", As.Anonymous, "POST", "/users", """{"name":""", 400);
        Add("users: name is a number", As.Anonymous, "POST", "/users", User.Replace("\"Ann\"", "1"), 400);
        Add("users: age is text", As.Anonymous, "POST", "/users", User.Replace("30", "\"thirty\""), 400);
        Add("users: name missing", As.Anonymous, "POST", "/users", """{"email":"ann@example.com","age":30,"password":"long enough"}""", 400);
        Add("users: password missing", As.Anonymous, "POST", "/users", """{"name":"Ann","email":"ann@example.com","age":30}""", 400);
        Add("users: unknown field", As.Anonymous, "POST", "/users", User.Replace("}", ""","admin":true}"""), 400);
        Add("users: negative age", As.Anonymous, "POST", "/users", User.Replace("30", "-1"), 400);
        Add("users: huge age", As.Anonymous, "POST", "/users", User.Replace("30", "1e20"), 400);
        Add("users: age past int", As.Anonymous, "POST", "/users", User.Replace("30", "2147483648"), 400);
        Add("users: fractional age", As.Anonymous, "POST", "/users", User.Replace("30", "30.5"), 400);
        Add("users: name too long", As.Anonymous, "POST", "/users", User.Replace("Ann", new string('n', 101)), 400);
        Add("users: email too long", As.Anonymous, "POST", "/users", User.Replace("ann@", new string('a', 250) + "@"), 400);
        Add("users: not an email", As.Anonymous, "POST", "/users", User.Replace("ann@example.com", "ann"), 400);
        Add("users: password too long", As.Anonymous, "POST", "/users", User.Replace("long enough", new string('p', 129)), 400);
        Add("users: empty body", As.Anonymous, "POST", "/users", "", 400);
        Add("users: array body", As.Anonymous, "POST", "/users", "[]", 400);
        Add("users: null body", As.Anonymous, "POST", "/users", "null", 400);
        Add("users: text body", As.Anonymous, "POST", "/users", User, 415, "text/plain");
        Add("users: form body", As.Anonymous, "POST", "/users", "name=Ann", 415, "application/x-www-form-urlencoded");
        Add("users: oversized body", As.Anonymous, "POST", "/users", User.Replace("Ann", new string('n', 8 * 1024)), 413);
        Add("users: PATCH", As.Customer, "PATCH", "/users/{self}", User, 405);
        Add("users: PUT without id", As.Customer, "PUT", "/users", User, 405);
        Add("users: id is text", As.Admin, "GET", "/users/abc", null, 404);
        Add("users: id past int", As.Admin, "GET", "/users/99999999999", null, 404);
        Add("users: update with bad email", As.Customer, "PUT", "/users/{self}", """{"name":"Ann","email":"nope","age":30}""", 400);
        Add("users: update with unknown field", As.Customer, "PUT", "/users/{self}", """{"name":"Ann","email":"ann@example.com","age":30,"role":"Admin"}""", 400);
        Add("users: update missing age", As.Customer, "PUT", "/users/{self}", """{"name":"Ann","email":"ann@example.com"}""", 400);
        Add("users: delete with text id", As.Customer, "DELETE", "/users/abc", null, 404);
        Add("users: page size text", As.Admin, "GET", "/users?pageSize=abc", null, 400);
        Add("users: page index negative", As.Admin, "GET", "/users?pageIndex=-1", null, 400);

        // products
        Add("products: malformed JSON", As.Admin, "POST", "/products", """{"sku":""", 400);
        Add("products: price is text", As.Admin, "POST", "/products", Product.Replace("2.5", "\"cheap\""), 400);
        Add("products: negative price", As.Admin, "POST", "/products", Product.Replace("2.5", "-0.01"), 400);
        Add("products: huge price", As.Admin, "POST", "/products", Product.Replace("2.5", "1e30"), 400);
        Add("products: price over the limit", As.Admin, "POST", "/products", Product.Replace("2.5", "1000000.01"), 400);
        Add("products: negative stock", As.Admin, "POST", "/products", Product.Replace("\"stock\":5", "\"stock\":-5"), 400);
        Add("products: huge stock", As.Admin, "POST", "/products", Product.Replace("\"stock\":5", "\"stock\":99999999999"), 400);
        Add("products: lower-case sku", As.Admin, "POST", "/products", Product.Replace("CORPUS-1", "corpus-1"), 400);
        Add("products: sku too long", As.Admin, "POST", "/products", Product.Replace("CORPUS-1", new string('S', 33)), 400);
        Add("products: unknown currency shape", As.Admin, "POST", "/products", Product.Replace("EUR", "EURO"), 400);
        Add("products: currency missing", As.Admin, "POST", "/products", """{"sku":"CORPUS-1","name":"Cup","price":2.5,"stock":5}""", 400);
        Add("products: unknown field", As.Admin, "POST", "/products", Product.Replace("}", ""","discount":50}"""), 400);
        Add("products: name too long", As.Admin, "POST", "/products", Product.Replace("Cup", new string('c', 201)), 400);
        Add("products: text body", As.Admin, "POST", "/products", Product, 415, "text/plain");
        Add("products: oversized body", As.Admin, "POST", "/products", Product.Replace("Cup", new string('c', 8 * 1024)), 413);
        Add("products: PATCH", As.Admin, "PATCH", "/products/1", Product, 405);
        Add("products: id is text", As.Admin, "GET", "/products/abc", null, 404);
        Add("products: update with wrong types", As.Admin, "PUT", "/products/1", Product.Replace("\"stock\":5", "\"stock\":\"many\""), 400);
        Add("products: page size zero", As.Admin, "GET", "/products?pageSize=0", null, 400);
        Add("reservations: no lines", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":[]}""", 400);
        Add("reservations: zero quantity", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":[{"productId":1,"quantity":0}]}""", 400);
        Add("reservations: negative order id", As.Service, "POST", "/reservations", """{"orderId":-1,"lines":[{"productId":1,"quantity":1}]}""", 400);
        Add("reservations: a product twice", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":[{"productId":1,"quantity":1},{"productId":1,"quantity":1}]}""", 400);
        Add("reservations: malformed JSON", As.Service, "POST", "/reservations", """{"orderId":""", 400);
        Add("reservations: unknown field", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":[{"productId":1,"quantity":1}],"force":true}""", 400);
        Add("reservations: order id is text", As.Service, "POST", "/reservations/abc/release", null, 404);

        // orders
        Add("orders: malformed JSON", As.Customer, "POST", "/orders", """{"lines":[""", 400);
        Add("orders: lines missing", As.Customer, "POST", "/orders", "{}", 400);
        Add("orders: no lines", As.Customer, "POST", "/orders", """{"lines":[]}""", 400);
        Add("orders: too many lines", As.Customer, "POST", "/orders",
            $$"""{"lines":[{{string.Join(",", Enumerable.Range(1, 51).Select(i => $$"""{"productId":{{i}},"quantity":1}"""))}}]}""", 400);
        Add("orders: zero quantity", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":0}]}""", 400);
        Add("orders: negative quantity", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":-3}]}""", 400);
        Add("orders: huge quantity", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1000000000000}]}""", 400);
        Add("orders: quantity over the limit", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1001}]}""", 400);
        Add("orders: product id is text", As.Customer, "POST", "/orders", """{"lines":[{"productId":"one","quantity":1}]}""", 400);
        Add("orders: product id zero", As.Customer, "POST", "/orders", """{"lines":[{"productId":0,"quantity":1}]}""", 400);
        Add("orders: a product twice", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1},{"productId":1,"quantity":2}]}""", 400);
        Add("orders: unknown field", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1}],"discount":100}""", 400);
        Add("orders: user id is text", As.Customer, "POST", "/orders", """{"userId":"me","lines":[{"productId":1,"quantity":1}]}""", 400);
        Add("orders: text body", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1}]}""", 415, "text/plain");
        Add("orders: oversized body", As.Customer, "POST", "/orders", $$"""{"lines":[{"productId":1,"quantity":1}],"note":"{{new string('x', 20 * 1024)}}"}""", 413);
        Add("orders: DELETE", As.Customer, "DELETE", "/orders/1", null, 405);
        Add("orders: id is text", As.Customer, "GET", "/orders/abc", null, 404);
        Add("orders: cancel with text id", As.Customer, "POST", "/orders/abc/cancel", null, 404);
        Add("orders: user id zero in query", As.Customer, "GET", "/orders?userId=0", null, 400);
        Add("orders: page size too big", As.Customer, "GET", "/orders?pageSize=101", null, 400);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInputGetsA4xxProblemAndWritesNothing(string name, As caller, string method, string path, string contentType, string? body, int status)
    {
        var customer = await Shop.CreateUserAsync("Corpus");
        var before = await SnapshotAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{self}", customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        var response = await ClientFor(caller, customer.Id, path).SendAsync(request, TestContext.Current.CancellationToken);

        await response.ReadProblemAsync((HttpStatusCode)status);
        var after = await SnapshotAsync();
        Assert.True(before == after, $"{name} wrote something: {before} became {after}");
    }

    [Fact]
    public async Task AnOverlongIdempotencyKeyGetsA400ProblemAndPlacesNothing()
    {
        var customer = await Shop.CreateUserAsync("Corpus");
        var before = await SnapshotAsync();

        var response = await Shop.PlaceOrderAsync(new string('k', 201), customer.Id, (1, 1));

        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task TheCorpusCoversAtLeastSixtyCases() => Assert.True(Cases().Count >= 60, $"{Cases().Count} cases");

    private HttpClient ClientFor(As caller, int customerId, string path)
    {
        var session = caller switch
        {
            As.Customer => Shop.SessionOf(customerId),
            As.Admin => Shop.Admin,
            As.Service => Shop.Service,
            _ => Shop.Anonymous
        };
        return path switch
        {
            _ when path.StartsWith("/users", StringComparison.Ordinal) => session.Users,
            _ when path.StartsWith("/orders", StringComparison.Ordinal) => session.Orders,
            _ => session.Products
        };
    }

    /// <summary>What is stored: how many users, products and orders, and every product's stock.</summary>
    private async Task<string> SnapshotAsync()
    {
        var users = await Shop.Admin.Users.GetAsync<PageDto<UserDto>>("/users?pageSize=1");
        var orders = await Shop.Admin.Orders.GetAsync<PageDto<OrderSummaryDto>>("/orders?pageSize=1");
        var products = new List<ProductDto>();
        for (var page = 0; ; page++)
        {
            var batch = await Shop.Admin.Products.GetAsync<PageDto<ProductDto>>($"/products?pageIndex={page}&pageSize=100");
            products.AddRange(batch.Items);
            if (products.Count >= batch.TotalCount)
            {
                break;
            }
        }

        return $"users={users.TotalCount} orders={orders.TotalCount} products={string.Join(",", products.Select(p => $"{p.Id}:{p.Name}:{p.Price}:{p.Stock}"))}";
    }
}
