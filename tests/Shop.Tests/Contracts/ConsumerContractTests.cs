using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shop.OrderService.Clients;
using Shop.OrderService.Model;

namespace Shop.Tests.Contracts;

/// <summary>
/// The consumer's side of <see cref="ConsumerExpectations"/>: the orders service's own client of the products service,
/// against a products service that answers with nothing but the fields the expectations list, sends what they say it
/// sends and works on what they say it reads. A client that starts to send or need another field fails here until
/// the expectation says so, and the provider's check (<see cref="ProviderContractTests"/>) then holds the provider to it.
/// </summary>
public sealed class ConsumerContractTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheOrdersServicePricesAnOrderFromTheProductFieldsItExpects()
    {
        var products = new ExpectedProvider(ConsumerExpectations.Orders, new()
        {
            ["GET /products/{id}"] = """{"id":5,"name":"Tea","price":3.5,"currency":"EUR"}"""
        });

        var found = await new ProductsClient(products.Client).GetManyAsync([5], Cancellation);

        Assert.Equal((5, "Tea", 3.5m, "EUR"), (found[5].Id, found[5].Name, found[5].Price, found[5].Currency));
        products.AssertEveryCallWasExpected();
    }

    [Fact]
    public async Task TheOrdersServiceHoldsAndConfirmsStockWithTheFieldsItExpects()
    {
        var products = new ExpectedProvider(ConsumerExpectations.Orders, new()
        {
            ["POST /reservations/batch"] = """[{"orderId":1,"status":"Held"},{"orderId":2,"status":null,"shortOfStock":[5]}]""",
            ["POST /reservations/batch/confirm"] = """[{"orderId":1,"status":"Confirmed"}]""",
            ["GET /reservations/{orderId}"] = """{"orderId":1,"status":"Confirmed","lines":[{"productId":5,"quantity":2}]}""",
            ["POST /reservations/{orderId}/confirm"] = "",
            ["POST /reservations/{orderId}/release"] = ""
        });
        var client = new ProductsClient(products.Client);

        var held = await client.ReserveManyAsync([OrderOf(1, (5, 2)), OrderOf(2, (5, 9), (6, 1))], Cancellation);
        var confirmed = await client.ConfirmManyAsync([1], Cancellation);
        var reservation = await client.GetReservationAsync(1, Cancellation);
        var confirmedAlone = await client.ConfirmAsync(1, Cancellation);
        await client.ReleaseAsync(2, Cancellation);

        Assert.Equal([new StockHold.Kept(), new StockHold.ShortOfStock([5])], held, StockHoldComparer.Instance);
        Assert.IsType<StockHold.Kept>(Assert.Single(confirmed));
        Assert.Equal((1, ReservationStatus.Confirmed, 5, 2), (reservation!.OrderId, reservation.Status, reservation.Lines[0].ProductId, reservation.Lines[0].Quantity));
        Assert.IsType<StockHold.Kept>(confirmedAlone);
        products.AssertEveryCallWasExpected();
    }

    private static Order OrderOf(int id, params (int ProductId, int Quantity)[] lines) => new()
    {
        Id = id,
        Currency = "EUR",
        Lines = [.. lines.Select(l => new OrderLine { ProductId = l.ProductId, Quantity = l.Quantity, Sku = "SKU", ProductName = "Product" })]
    };

    /// <summary>Compares holds by kind and the products they name.</summary>
    private sealed class StockHoldComparer : IEqualityComparer<StockHold>
    {
        public static readonly StockHoldComparer Instance = new();

        public bool Equals(StockHold? x, StockHold? y) => (x, y) switch
        {
            (StockHold.ShortOfStock a, StockHold.ShortOfStock b) => a.ProductIds.SequenceEqual(b.ProductIds),
            _ => x?.GetType() == y?.GetType()
        };

        public int GetHashCode(StockHold obj) => obj.GetType().GetHashCode();
    }

    /// <summary>
    /// A provider that answers each expected call with the given body, after checking that the request is one the
    /// expectations list and sends only fields they list, of their kinds; the body itself must hold only listed fields.
    /// </summary>
    private sealed class ExpectedProvider : HttpMessageHandler
    {
        private readonly IReadOnlyList<Expectation> _expectations;
        private readonly Dictionary<string, string> _answers;
        private readonly List<string> _unexpected = [];

        public ExpectedProvider(IReadOnlyList<Expectation> expectations, Dictionary<string, string> answers)
        {
            _expectations = expectations;
            _answers = answers;
            Client = new HttpClient(this) { BaseAddress = new Uri("http://provider") };
            foreach (var (call, body) in answers.Where(a => a.Value.Length > 0))
            {
                var expectation = _expectations.Single(e => $"{e.Method} {e.Route}" == call);
                Assert.All(Leaves(JsonNode.Parse(body)), field => Assert.Contains(field, expectation.Reads));
            }
        }

        public HttpClient Client { get; }

        public void AssertEveryCallWasExpected() => Assert.Empty(_unexpected);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var expectation = _expectations.FirstOrDefault(e => e.Method == request.Method.Method && Matches(e.Route, path));
            if (expectation is null)
            {
                _unexpected.Add($"{request.Method} {path} is no expected call.");
                return new HttpResponseMessage(HttpStatusCode.NotImplemented);
            }

            var sent = request.Content is null ? [] : Leaves(JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken)));
            _unexpected.AddRange(sent.Where(field => !expectation.Sends.Contains(field)).Select(field => $"{expectation} sends {field}, which is not expected."));
            var body = _answers[$"{expectation.Method} {expectation.Route}"];
            return new HttpResponseMessage((HttpStatusCode)expectation.Status)
            {
                Content = body.Length == 0 ? null : new StringContent(body, Encoding.UTF8, "application/json")
            };
        }

        private static bool Matches(string route, string path)
        {
            var routeParts = route.Split('/');
            var pathParts = path.Split('/');
            return routeParts.Length == pathParts.Length
                && routeParts.Zip(pathParts).All(p => p.First.StartsWith('{') || p.First == p.Second);
        }

        /// <summary>Every field of a JSON body as the expectations name them, with its kind; null values are left out.</summary>
        private static List<Field> Leaves(JsonNode? node, string prefix = "")
        {
            var fields = new List<Field>();
            switch (node)
            {
                case JsonObject json:
                    foreach (var (name, value) in json)
                    {
                        var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
                        if (value is not null)
                        {
                            fields.Add(new Field(path, KindOf(value)));
                        }

                        fields.AddRange(Leaves(value, path));
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        fields.AddRange(Leaves(item, $"{prefix}[]"));
                    }

                    break;
            }

            return [.. fields.Distinct()];
        }

        private static string KindOf(JsonNode value) => value.GetValueKind() switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => value.AsValue().TryGetValue<int>(out _) ? "integer" : "number",
            _ => "boolean"
        };
    }
}
