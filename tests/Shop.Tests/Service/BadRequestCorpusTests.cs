using System.Net;
using System.Text;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// Bad input, endpoint by endpoint: each case gets a 4xx problem that says what was wrong, and writes nothing to any
/// service's database. The cases run one at a time on services of their own, so that what is stored before and after
/// compares exactly. (A body over an endpoint's size limit is the web server's to refuse: see the topology's
/// <c>BodyLimitTests</c>.)
/// </summary>
public sealed class BadRequestCorpusTests(BadRequestCorpusTests.Services services) : IClassFixture<BadRequestCorpusTests.Services>
{
    private const string Json = "application/json";

    private static readonly string User = """{"name":"Ann","email":"ann@example.com","age":30,"password":"long enough"}""";
    private static readonly string Product = """{"sku":"CORPUS-1","name":"Cup","price":2.5,"currency":"EUR","stock":5}""";

    private UsersServiceHost Users => services.Users;
    private ProductsServiceHost Products => services.Products;
    private OrdersServiceHost Orders => services.Orders;

    /// <summary>The three services, for this class alone, so that nothing else writes to them while a case runs.</summary>
    public sealed class Services : IAsyncLifetime
    {
        public UsersServiceHost Users { get; } = new();
        public ProductsServiceHost Products { get; } = new();
        public OrdersServiceHost Orders { get; } = new();

        /// <summary>The customer whose record the cases name as <c>{self}</c>; nothing the corpus sends may change it.</summary>
        public UserDto Customer { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            // Started (and their databases migrated) before the first snapshot reads them.
            _ = Products.Server;
            _ = Orders.Server;
            Customer = await Users.RegisterAsync("Corpus");
            Orders.Peers.AddUser(Customer.Id);
        }

        public async ValueTask DisposeAsync()
        {
            await Users.DisposeAsync();
            await Products.DisposeAsync();
            await Orders.DisposeAsync();
        }
    }

    /// <summary>Who sends the request: nobody, the customer whose record is <c>{self}</c>, the admin, or the orders service.</summary>
    public enum As
    {
        Anonymous,
        Customer,
        Admin,
        Service
    }

    public static TheoryData<string, As, string, string, string, string?, int, string?> Cases()
    {
        var cases = new TheoryData<string, As, string, string, string, string?, int, string?>();
        void Add(string name, As caller, string method, string path, string? body, int status, string? field = null, string contentType = Json) =>
            cases.Add(name, caller, method, path, contentType, body, status, field);

        // users
        Add("users: malformed JSON", As.Anonymous, "POST", "/users", """{"name":""", 400, "$");
        Add("users: name is a number", As.Anonymous, "POST", "/users", User.Replace("\"Ann\"", "1"), 400, "Name");
        Add("users: age is text", As.Anonymous, "POST", "/users", User.Replace("30", "\"thirty\""), 400, "Age");
        Add("users: age is a number in a string", As.Anonymous, "POST", "/users", User.Replace("30", "\"30\""), 400, "Age");
        Add("users: age is true", As.Anonymous, "POST", "/users", User.Replace("30", "true"), 400, "Age");
        Add("users: age is an object", As.Anonymous, "POST", "/users", User.Replace("30", "{}"), 400, "Age");
        Add("users: name missing", As.Anonymous, "POST", "/users", """{"email":"ann@example.com","age":30,"password":"long enough"}""", 400, "Name");
        Add("users: password missing", As.Anonymous, "POST", "/users", """{"name":"Ann","email":"ann@example.com","age":30}""", 400, "Password");
        Add("users: name null", As.Anonymous, "POST", "/users", User.Replace("\"Ann\"", "null"), 400, "Name");
        Add("users: email null", As.Anonymous, "POST", "/users", User.Replace("\"ann@example.com\"", "null"), 400, "Email");
        Add("users: age null", As.Anonymous, "POST", "/users", User.Replace("30", "null"), 400, "Age");
        Add("users: password null", As.Anonymous, "POST", "/users", User.Replace("\"long enough\"", "null"), 400, "Password");
        Add("users: email twice", As.Anonymous, "POST", "/users", User.Replace("}", ""","email":"eve@example.com"}"""), 400, "Email");
        Add("users: name twice in another case", As.Anonymous, "POST", "/users", User.Replace("}", ""","Name":"Eve"}"""), 400, "Name");
        Add("users: unknown field", As.Anonymous, "POST", "/users", User.Replace("}", ""","admin":true}"""), 400, "Admin");
        Add("users: negative age", As.Anonymous, "POST", "/users", User.Replace("30", "-1"), 400, "Age");
        Add("users: huge age", As.Anonymous, "POST", "/users", User.Replace("30", "1e20"), 400, "Age");
        Add("users: age past int", As.Anonymous, "POST", "/users", User.Replace("30", "2147483648"), 400, "Age");
        Add("users: fractional age", As.Anonymous, "POST", "/users", User.Replace("30", "30.5"), 400, "Age");
        Add("users: age with a decimal point", As.Anonymous, "POST", "/users", User.Replace("30", "30.0"), 400, "Age");
        Add("users: age NaN", As.Anonymous, "POST", "/users", User.Replace("30", "\"NaN\""), 400, "Age");
        Add("users: name too long", As.Anonymous, "POST", "/users", User.Replace("Ann", new string('n', 101)), 400, "Name");
        Add("users: blank name", As.Anonymous, "POST", "/users", User.Replace("Ann", "   "), 400, "Name");
        Add("users: name with a NUL", As.Anonymous, "POST", "/users", User.Replace("Ann", "An\\u0000n"), 400, "Name");
        Add("users: name with a line break", As.Anonymous, "POST", "/users", User.Replace("Ann", "An\\nn"), 400, "Name");
        Add("users: name with a lone surrogate", As.Anonymous, "POST", "/users", User.Replace("Ann", "An\\ud800n"), 400, "Name");
        Add("users: name with a right-to-left override", As.Anonymous, "POST", "/users", User.Replace("Ann", "admin\\u202Egpj.exe"), 400, "Name");
        Add("users: name with a zero-width joiner", As.Anonymous, "POST", "/users", User.Replace("Ann", "An\\u200Dn"), 400, "Name");
        Add("users: name with a zero-width space", As.Anonymous, "POST", "/users", User.Replace("Ann", "An\\u200Bn"), 400, "Name");
        Add("users: name in a bidirectional isolate", As.Anonymous, "POST", "/users", User.Replace("Ann", "\\u2067Ann\\u2069"), 400, "Name");
        Add("users: name with a byte order mark", As.Anonymous, "POST", "/users", User.Replace("Ann", "\\uFEFFAnn"), 400, "Name");
        Add("users: email with a Cyrillic a", As.Anonymous, "POST", "/users", User.Replace("ann@example.com", "ann@ex\\u0430mple.com"), 400, "Email");
        Add("users: email with a zero-width joiner", As.Anonymous, "POST", "/users", User.Replace("ann@example.com", "an\\u200Dn@example.com"), 400, "Email");
        Add("users: email with a right-to-left mark", As.Anonymous, "POST", "/users", User.Replace("ann@example.com", "ann@example.com\\u200F"), 400, "Email");
        Add("users: email with an international domain not in punycode", As.Anonymous, "POST", "/users", User.Replace("ann@example.com", "ann@b\\u00FCcher.example"), 400, "Email");
        Add("users: email too long", As.Anonymous, "POST", "/users", User.Replace("ann@", new string('a', 250) + "@"), 400, "Email");
        Add("users: not an email", As.Anonymous, "POST", "/users", User.Replace("ann@example.com", "ann"), 400, "Email");
        Add("users: email with spaces around", As.Anonymous, "POST", "/users", User.Replace("ann@example.com", " ann@example.com "), 400, "Email");
        Add("users: email with a space inside", As.Anonymous, "POST", "/users", User.Replace("ann@example.com", "ann smith@example.com"), 400, "Email");
        Add("users: password too long", As.Anonymous, "POST", "/users", User.Replace("long enough", new string('p', 129)), 400, "Password");
        Add("users: empty body", As.Anonymous, "POST", "/users", "", 400, "$");
        Add("users: array body", As.Anonymous, "POST", "/users", "[]", 400, "$");
        Add("users: null body", As.Anonymous, "POST", "/users", "null", 400, "$");
        Add("users: string body", As.Anonymous, "POST", "/users", "\"Ann\"", 400, "$");
        Add("users: number body", As.Anonymous, "POST", "/users", "42", 400, "$");
        Add("users: trailing garbage", As.Anonymous, "POST", "/users", User + " x", 400, "$");
        Add("users: two bodies", As.Anonymous, "POST", "/users", User + User, 400, "$");
        Add("users: comment", As.Anonymous, "POST", "/users", "/* admin */" + User, 400, "$");
        Add("users: trailing comma", As.Anonymous, "POST", "/users", User.Replace("}", ",}"), 400, "$");
        Add("users: single quotes", As.Anonymous, "POST", "/users", User.Replace("\"", "'"), 400, "$");
        Add("users: text body", As.Anonymous, "POST", "/users", User, 415, contentType: "text/plain");
        Add("users: form body", As.Anonymous, "POST", "/users", "name=Ann", 415, contentType: "application/x-www-form-urlencoded");
        Add("users: PATCH", As.Customer, "PATCH", "/users/{self}", User, 405);
        Add("users: PUT without id", As.Customer, "PUT", "/users", User, 405);
        Add("users: id is text", As.Admin, "GET", "/users/abc", null, 404);
        Add("users: id past int", As.Admin, "GET", "/users/99999999999", null, 404);
        Add("users: update with bad email", As.Customer, "PUT", "/users/{self}", """{"name":"Ann","email":"nope","age":30}""", 400, "Email");
        Add("users: update with a right-to-left override", As.Customer, "PUT", "/users/{self}", """{"name":"admin\u202Egpj.exe","email":"ann@example.com","age":30}""", 400, "Name");
        Add("users: update with a Cyrillic a in the email", As.Customer, "PUT", "/users/{self}", """{"name":"Ann","email":"\u0430nn@example.com","age":30}""", 400, "Email");
        Add("users: update with unknown field", As.Customer, "PUT", "/users/{self}", """{"name":"Ann","email":"ann@example.com","age":30,"role":"Admin"}""", 400, "Role");
        Add("users: update missing age", As.Customer, "PUT", "/users/{self}", """{"name":"Ann","email":"ann@example.com"}""", 400, "Age");
        Add("users: update with age in a string", As.Customer, "PUT", "/users/{self}", """{"name":"Ann","email":"ann@example.com","age":"31"}""", 400, "Age");
        Add("users: update with name twice", As.Customer, "PUT", "/users/{self}", """{"name":"Ann","email":"ann@example.com","age":30,"name":"Eve"}""", 400, "Name");
        Add("users: update with name null", As.Customer, "PUT", "/users/{self}", """{"name":null,"email":"ann@example.com","age":30}""", 400, "Name");
        Add("users: delete with text id", As.Customer, "DELETE", "/users/abc", null, 404);
        Add("users: page size text", As.Admin, "GET", "/users?pageSize=abc", null, 400, "PageSize");
        Add("users: page size twice", As.Admin, "GET", "/users?pageSize=1&pageSize=2", null, 400, "PageSize");
        Add("users: page size fractional", As.Admin, "GET", "/users?pageSize=1.5", null, 400, "PageSize");
        Add("users: page index negative", As.Admin, "GET", "/users?pageIndex=-1", null, 400, "PageIndex");
        Add("users: POST /health", As.Anonymous, "POST", "/health", "{}", 405);
        Add("users: DELETE /alive", As.Anonymous, "DELETE", "/alive", null, 405);
        Add("users: GET /connect/token", As.Anonymous, "GET", ShopIdentity.TokenPath, null, 405);
        Add("users: PUT /connect/token", As.Anonymous, "PUT", ShopIdentity.TokenPath, "{}", 405);
        Add("users: POST /.well-known/jwks", As.Admin, "POST", "/.well-known/jwks", "{}", 405);
        Add("users: DELETE /.well-known/jwks", As.Anonymous, "DELETE", "/.well-known/jwks", null, 405);
        Add("users: PUT /.well-known/openid-configuration", As.Admin, "PUT", "/.well-known/openid-configuration", "{}", 405);

        // products
        Add("products: malformed JSON", As.Admin, "POST", "/products", """{"sku":""", 400, "$");
        Add("products: price is text", As.Admin, "POST", "/products", Product.Replace("2.5", "\"cheap\""), 400, "Price");
        Add("products: price is a number in a string", As.Admin, "POST", "/products", Product.Replace("2.5", "\"2.5\""), 400, "Price");
        Add("products: stock is a number in a string", As.Admin, "POST", "/products", Product.Replace("\"stock\":5", "\"stock\":\"5\""), 400, "Stock");
        Add("products: price null", As.Admin, "POST", "/products", Product.Replace("2.5", "null"), 400, "Price");
        Add("products: sku null", As.Admin, "POST", "/products", Product.Replace("\"CORPUS-1\"", "null"), 400, "Sku");
        Add("products: sku twice", As.Admin, "POST", "/products", Product.Replace("}", ""","sku":"CORPUS-2"}"""), 400, "Sku");
        Add("products: price twice", As.Admin, "POST", "/products", Product.Replace("}", ""","price":0}"""), 400, "Price");
        Add("products: negative price", As.Admin, "POST", "/products", Product.Replace("2.5", "-0.01"), 400, "Price");
        Add("products: huge price", As.Admin, "POST", "/products", Product.Replace("2.5", "1e30"), 400, "Price");
        Add("products: price over the limit", As.Admin, "POST", "/products", Product.Replace("2.5", "1000000.01"), 400, "Price");
        Add("products: price Infinity", As.Admin, "POST", "/products", Product.Replace("2.5", "\"Infinity\""), 400, "Price");
        Add("products: negative stock", As.Admin, "POST", "/products", Product.Replace("\"stock\":5", "\"stock\":-5"), 400, "Stock");
        Add("products: huge stock", As.Admin, "POST", "/products", Product.Replace("\"stock\":5", "\"stock\":99999999999"), 400, "Stock");
        Add("products: fractional stock", As.Admin, "POST", "/products", Product.Replace("\"stock\":5", "\"stock\":5.5"), 400, "Stock");
        Add("products: lower-case sku", As.Admin, "POST", "/products", Product.Replace("CORPUS-1", "corpus-1"), 400, "Sku");
        Add("products: sku too long", As.Admin, "POST", "/products", Product.Replace("CORPUS-1", new string('S', 33)), 400, "Sku");
        Add("products: sku with a line break", As.Admin, "POST", "/products", Product.Replace("CORPUS-1", "CORPUS-1\\n"), 400, "Sku");
        Add("products: unknown currency shape", As.Admin, "POST", "/products", Product.Replace("EUR", "EURO"), 400, "Currency");
        Add("products: currency missing", As.Admin, "POST", "/products", """{"sku":"CORPUS-1","name":"Cup","price":2.5,"stock":5}""", 400, "Currency");
        Add("products: unknown field", As.Admin, "POST", "/products", Product.Replace("}", ""","discount":50}"""), 400, "Discount");
        Add("products: name too long", As.Admin, "POST", "/products", Product.Replace("Cup", new string('c', 201)), 400, "Name");
        Add("products: name with a control character", As.Admin, "POST", "/products", Product.Replace("Cup", "Cu\\u001bp"), 400, "Name");
        Add("products: name with a right-to-left override", As.Admin, "POST", "/products", Product.Replace("Cup", "Cup\\u202Egpj.exe"), 400, "Name");
        Add("products: name with a zero-width space", As.Admin, "POST", "/products", Product.Replace("Cup", "C\\u200Bup"), 400, "Name");
        Add("products: text body", As.Admin, "POST", "/products", Product, 415, contentType: "text/plain");
        Add("products: PATCH", As.Admin, "PATCH", "/products/1", Product, 405);
        Add("products: id is text", As.Admin, "GET", "/products/abc", null, 404);
        Add("products: update with wrong types", As.Admin, "PUT", "/products/1", Product.Replace("\"stock\":5", "\"stock\":\"many\""), 400, "Stock");
        Add("products: update with stock in a string", As.Admin, "PUT", "/products/1", Product.Replace("\"stock\":5", "\"stock\":\"500\""), 400, "Stock");
        Add("products: update with stock twice", As.Admin, "PUT", "/products/1", Product.Replace("}", ""","stock":1000}"""), 400, "Stock");
        Add("products: page size zero", As.Admin, "GET", "/products?pageSize=0", null, 400, "PageSize");
        Add("products: page index twice", As.Admin, "GET", "/products?pageIndex=0&pageIndex=1", null, 400, "PageIndex");
        Add("products: PUT /health", As.Anonymous, "PUT", "/health", "{}", 405);
        Add("products: POST /alive", As.Anonymous, "POST", "/alive", "{}", 405);
        Add("reservations: no lines", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":[]}""", 400, "Lines");
        Add("reservations: zero quantity", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":[{"productId":1,"quantity":0}]}""", 400, "Lines[0].Quantity");
        Add("reservations: negative order id", As.Service, "POST", "/reservations", """{"orderId":-1,"lines":[{"productId":1,"quantity":1}]}""", 400, "OrderId");
        Add("reservations: order id in a string", As.Service, "POST", "/reservations", """{"orderId":"900000001","lines":[{"productId":1,"quantity":1}]}""", 400, "OrderId");
        Add("reservations: order id twice", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":[{"productId":1,"quantity":1}],"orderId":900000002}""", 400, "OrderId");
        Add("reservations: a product twice", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":[{"productId":1,"quantity":1},{"productId":1,"quantity":1}]}""", 400, "Lines");
        Add("reservations: a null line", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":[null]}""", 400, "Lines[0]");
        Add("reservations: lines null", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":null}""", 400, "Lines");
        Add("reservations: quantity in a string", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":[{"productId":1,"quantity":"1"}]}""", 400, "Lines[0].Quantity");
        Add("reservations: malformed JSON", As.Service, "POST", "/reservations", """{"orderId":""", 400, "$");
        Add("reservations: unknown field", As.Service, "POST", "/reservations", """{"orderId":900000001,"lines":[{"productId":1,"quantity":1}],"force":true}""", 400, "Force");
        Add("reservations: order id is text", As.Service, "POST", "/reservations/abc/release", null, 404);
        Add("reservations batch: none", As.Service, "POST", "/reservations/batch", """{"reservations":[]}""", 400, "Reservations");
        Add("reservations batch: missing", As.Service, "POST", "/reservations/batch", "{}", 400, "Reservations");
        Add("reservations batch: an order twice", As.Service, "POST", "/reservations/batch",
            """{"reservations":[{"orderId":900000001,"lines":[{"productId":1,"quantity":1}]},{"orderId":900000001,"lines":[{"productId":2,"quantity":1}]}]}""", 400, "Reservations");
        Add("reservations batch: a null order", As.Service, "POST", "/reservations/batch", """{"reservations":[null]}""", 400, "Reservations[0]");
        Add("reservations batch: zero quantity", As.Service, "POST", "/reservations/batch",
            """{"reservations":[{"orderId":900000001,"lines":[{"productId":1,"quantity":0}]}]}""", 400, "Reservations[0].Lines[0].Quantity");
        Add("reservations batch: a product twice in an order", As.Service, "POST", "/reservations/batch",
            """{"reservations":[{"orderId":900000001,"lines":[{"productId":1,"quantity":1},{"productId":1,"quantity":1}]}]}""", 400, "Reservations[0].Lines");
        Add("reservations batch: too many orders", As.Service, "POST", "/reservations/batch",
            $$"""{"reservations":[{{string.Join(",", Enumerable.Range(900000001, ReservationLimits.OrdersPerCall + 1).Select(id => $$"""{"orderId":{{id}},"lines":[{"productId":1,"quantity":1}]}"""))}}]}""", 400, "Reservations");
        Add("reservations confirm batch: none", As.Service, "POST", "/reservations/batch/confirm", """{"orderIds":[]}""", 400, "OrderIds");
        Add("reservations confirm batch: an order twice", As.Service, "POST", "/reservations/batch/confirm", """{"orderIds":[900000001,900000001]}""", 400, "OrderIds");
        Add("reservations confirm batch: order id zero", As.Service, "POST", "/reservations/batch/confirm", """{"orderIds":[0]}""", 400, "OrderIds");
        Add("reservations confirm batch: order id in a string", As.Service, "POST", "/reservations/batch/confirm", """{"orderIds":["900000001"]}""", 400, "OrderIds[0]");
        Add("reservations confirm batch: too many orders", As.Service, "POST", "/reservations/batch/confirm",
            $$"""{"orderIds":[{{string.Join(",", Enumerable.Range(900000001, ReservationLimits.OrdersPerCall + 1))}}]}""", 400, "OrderIds");

        // orders
        Add("orders: malformed JSON", As.Customer, "POST", "/orders", """{"lines":[""", 400, "$");
        Add("orders: lines missing", As.Customer, "POST", "/orders", "{}", 400, "Lines");
        Add("orders: lines null", As.Customer, "POST", "/orders", """{"lines":null}""", 400, "Lines");
        Add("orders: lines an object", As.Customer, "POST", "/orders", """{"lines":{"productId":1,"quantity":1}}""", 400, "Lines");
        Add("orders: lines a string", As.Customer, "POST", "/orders", """{"lines":"1x1"}""", 400, "Lines");
        Add("orders: a null line", As.Customer, "POST", "/orders", """{"lines":[null]}""", 400, "Lines[0]");
        Add("orders: a null line after a good one", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1},null]}""", 400, "Lines[1]");
        Add("orders: a line that is a number", As.Customer, "POST", "/orders", """{"lines":[1]}""", 400, "Lines[0]");
        Add("orders: no lines", As.Customer, "POST", "/orders", """{"lines":[]}""", 400, "Lines");
        Add("orders: too many lines", As.Customer, "POST", "/orders",
            $$"""{"lines":[{{string.Join(",", Enumerable.Range(1, 51).Select(i => $$"""{"productId":{{i}},"quantity":1}"""))}}]}""", 400, "Lines");
        Add("orders: zero quantity", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":0}]}""", 400, "Lines[0].Quantity");
        Add("orders: negative quantity", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":-3}]}""", 400, "Lines[0].Quantity");
        Add("orders: huge quantity", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1000000000000}]}""", 400, "Lines[0].Quantity");
        Add("orders: quantity over the limit", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1001}]}""", 400, "Lines[0].Quantity");
        Add("orders: quantity in a string", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":"1"}]}""", 400, "Lines[0].Quantity");
        Add("orders: quantity with a decimal point", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1.0}]}""", 400, "Lines[0].Quantity");
        Add("orders: quantity null", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":null}]}""", 400, "Lines[0].Quantity");
        Add("orders: quantity missing", As.Customer, "POST", "/orders", """{"lines":[{"productId":1}]}""", 400, "Lines[0].Quantity");
        Add("orders: quantity twice", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1,"quantity":500}]}""", 400, "Lines[0].Quantity");
        Add("orders: lines twice", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1}],"lines":[{"productId":2,"quantity":1}]}""", 400, "Lines");
        Add("orders: product id is text", As.Customer, "POST", "/orders", """{"lines":[{"productId":"one","quantity":1}]}""", 400, "Lines[0].ProductId");
        Add("orders: product id in a string", As.Customer, "POST", "/orders", """{"lines":[{"productId":"1","quantity":1}]}""", 400, "Lines[0].ProductId");
        Add("orders: product id zero", As.Customer, "POST", "/orders", """{"lines":[{"productId":0,"quantity":1}]}""", 400, "Lines[0].ProductId");
        Add("orders: a product twice", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1},{"productId":1,"quantity":2}]}""", 400, "Lines");
        Add("orders: unknown field", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1}],"discount":100}""", 400, "Discount");
        Add("orders: unknown field on a line", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1,"unitPrice":0}]}""", 400, "Lines[0].UnitPrice");
        Add("orders: user id is text", As.Customer, "POST", "/orders", """{"userId":"me","lines":[{"productId":1,"quantity":1}]}""", 400, "UserId");
        Add("orders: user id in a string", As.Customer, "POST", "/orders", """{"userId":"1","lines":[{"productId":1,"quantity":1}]}""", 400, "UserId");
        Add("orders: text body", As.Customer, "POST", "/orders", """{"lines":[{"productId":1,"quantity":1}]}""", 415, contentType: "text/plain");
        Add("orders: DELETE", As.Customer, "DELETE", "/orders/1", null, 405);
        Add("orders: id is text", As.Customer, "GET", "/orders/abc", null, 404);
        Add("orders: cancel with text id", As.Customer, "POST", "/orders/abc/cancel", null, 404);
        Add("orders: user id zero in query", As.Customer, "GET", "/orders?userId=0", null, 400, "UserId");
        Add("orders: user id twice in query", As.Customer, "GET", "/orders?userId=1&userId=2", null, 400, "UserId");
        Add("orders: page size too big", As.Customer, "GET", "/orders?pageSize=101", null, 400, "PageSize");
        Add("orders: POST /health", As.Anonymous, "POST", "/health", "{}", 405);
        Add("orders: DELETE /health", As.Anonymous, "DELETE", "/health", null, 405);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInputGetsA4xxProblemAndWritesNothing(
        string name, As caller, string method, string path, string contentType, string? body, int status, string? field)
    {
        var customer = services.Customer;
        var before = await SnapshotAsync(customer.Id);

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{self}", customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        using var client = ClientFor(caller, customer.Id, name);
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var problem = await response.ReadProblemAsync((HttpStatusCode)status);
        if (response.StatusCode == HttpStatusCode.MethodNotAllowed)
        {
            Assert.True(response.Content.Headers.Allow.Count > 0, $"{name}: a 405 without Allow");
        }

        if (field is null)
        {
            Assert.True(problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 }, $"{name}: the problem says nothing: {problem}");
        }
        else
        {
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages) && messages.GetArrayLength() > 0,
                $"{name}: no error for {field}: {problem}");
        }

        var after = await SnapshotAsync(customer.Id);
        Assert.True(before == after, $"{name} wrote something: {before} became {after}");
    }

    [Fact]
    public async Task ABodyThatIsNotUtf8Gets400ProblemAndWritesNothing()
    {
        var before = await SnapshotAsync(customerId: null);
        using var content = new ByteArrayContent([.. Encoding.UTF8.GetBytes("""{"name":"A"""), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(""" ","email":"latin@example.com","age":30,"password":"long enough"}""")]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Json);
        using var anonymous = Users.As(Caller.Anonymous);

        var response = await anonymous.PostAsync("/users", content, TestContext.Current.CancellationToken);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Name", out _) || problem.GetProperty("errors").TryGetProperty("$", out _), problem.ToString());
        Assert.Equal(before, await SnapshotAsync(customerId: null));
    }

    [Theory]
    [InlineData(ShopServices.Users, "bogus")]
    [InlineData(ShopServices.Products, "utf-7")]
    [InlineData(ShopServices.Orders, "x-unknown")]
    public async Task ABodyInACharsetThatIsNotKnownGets415ProblemAndWritesNothing(string service, string charset)
    {
        var customer = services.Customer;
        var before = await SnapshotAsync(customer.Id);
        var (caller, path, body) = service switch
        {
            ShopServices.Users => (As.Anonymous, "/users", User),
            ShopServices.Products => (As.Admin, "/products", Product),
            _ => (As.Customer, "/orders", """{"lines":[{"productId":1,"quantity":1}]}""")
        };
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse($"{Json}; charset={charset}");
        using var client = ClientFor(caller, customer.Id, service);

        var response = await client.PostAsync(path, content, TestContext.Current.CancellationToken);

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains(charset, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(customer.Id));
    }

    [Theory]
    [InlineData("overlong")]
    [InlineData("a\u0001b")]
    [InlineData("a\u001b[31mb")]
    [InlineData("bell\u0007")]
    [InlineData("a\u007fb")]
    [InlineData("a\tb")]
    [InlineData("ключ-1")]
    public async Task AnIdempotencyKeyThatIsTooLongOrNotPrintableAsciiGetsA400ProblemNamingItAndPlacesNothing(string key)
    {
        key = key == "overlong" ? new string('k', 201) : key;
        var customer = Orders.Peers.NewUser();
        var product = Orders.Peers.NewProduct();
        var before = await SnapshotAsync(customerId: null);
        using var client = Orders.As(Caller.Customer(customer));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = ShopApi.OrderBody((product, 1)) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("idempotencyKey", out _), problem.ToString());
        Assert.Equal(before, await SnapshotAsync(customerId: null));
        Assert.Equal(10, Orders.Peers.StockOf(product));
    }

    /// <summary>The client of the service that the case's name begins with ("orders: …"), as <paramref name="caller"/>.</summary>
    private HttpClient ClientFor(As caller, int customerId, string caseName)
    {
        var who = caller switch
        {
            As.Customer => Caller.Customer(customerId),
            As.Admin => Caller.Admin(),
            As.Service => Caller.Service(),
            _ => Caller.Anonymous
        };
        return caseName.Split(':')[0] switch
        {
            ShopServices.Users => Users.As(who),
            ShopServices.Orders => Orders.As(who),
            _ => Products.As(who)
        };
    }

    /// <summary>What the three services have stored: users (and the corpus customer's record), products, reservations, orders and idempotency keys.</summary>
    private async Task<string> SnapshotAsync(int? customerId)
    {
        var users = await Users.Database.ExecuteAsync("SELECT count(*) || ';' || coalesce((SELECT Name || ',' || Email || ',' || Age FROM Users WHERE Id = $id), '') FROM Users",
            ("$id", customerId ?? 0));
        var products = await Products.Database.ExecuteAsync("SELECT group_concat(Id || ':' || Sku || ':' || Name || ':' || Price || ':' || Currency || ':' || Stock, ' ') || ';' || (SELECT count(*) FROM Reservations) FROM Products");
        var orders = await Orders.Database.ExecuteAsync("SELECT count(*) || ';' || (SELECT count(*) FROM IdempotencyRecords) FROM Orders");
        return $"users={users} products={products} orders={orders}";
    }
}
