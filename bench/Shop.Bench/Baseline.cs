using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Shop.Bench;

/// <summary>
/// The bare pair the Shop figures are compared with: a users service answering from memory, and an orders
/// service that asks it over HTTP on every request. No telemetry, cache, discovery, auth or database.
/// </summary>
internal sealed class Baseline : IAsyncDisposable
{
    private readonly WebApplication _users;
    private readonly WebApplication _orders;

    private Baseline(WebApplication users, WebApplication orders)
    {
        _users = users;
        _orders = orders;
    }

    public const string UsersUrl = "http://127.0.0.1:5301";
    public const string OrdersUrl = "http://127.0.0.1:5302";

    public static async Task<Baseline> StartAsync()
    {
        var usersBuilder = WebApplication.CreateSlimBuilder();
        usersBuilder.WebHost.UseUrls(UsersUrl);
        usersBuilder.Logging.ClearProviders();
        var users = usersBuilder.Build();
        var people = new Dictionary<int, BaselineUser> { [1] = new(1, "Alice", "alice@example.com", 30), [2] = new(2, "Bob", "bob@example.com", 25) };
        users.MapGet("/users/{id:int}", (int id) => people.TryGetValue(id, out var user) ? Results.Ok(user) : Results.NotFound());

        var ordersBuilder = WebApplication.CreateSlimBuilder();
        ordersBuilder.WebHost.UseUrls(OrdersUrl);
        ordersBuilder.Logging.ClearProviders();
        var orders = ordersBuilder.Build();
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { BaseAddress = new Uri(UsersUrl) };
        var book = new BaselineOrder(1, 1, 12.50m, "EUR", null);
        orders.MapGet("/orders/{id:int}", async (int id) =>
        {
            if (id != 1)
            {
                return Results.NotFound();
            }

            var user = await http.GetFromJsonAsync<BaselineUser>($"/users/{book.UserId}");
            return Results.Ok(book with { User = user });
        });

        await users.StartAsync();
        await orders.StartAsync();
        return new Baseline(users, orders);
    }

    public async ValueTask DisposeAsync()
    {
        await _orders.DisposeAsync();
        await _users.DisposeAsync();
    }

    private sealed record BaselineUser(int Id, string Name, string Email, int Age);

    private sealed record BaselineOrder(int Id, int UserId, decimal Total, string Currency, BaselineUser? User);
}
