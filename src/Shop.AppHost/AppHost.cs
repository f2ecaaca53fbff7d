using Shop.AppHost;
using Shop.AppHost.Cache;

var builder = DistributedApplication.CreateBuilder(args);

var cache = builder.AddCache(ResourceNames.Cache);
var dataDirectory = builder.GetDataDirectory();

var users = builder.AddProject<Projects.Shop_UserService>(ResourceNames.Users)
    .WithSqliteDatabase(ResourceNames.UsersDatabase, dataDirectory)
    .WithReference(cache).WaitFor(cache)
    .WithHttpHealthCheck("/health");

var products = builder.AddProject<Projects.Shop_ProductService>(ResourceNames.Products)
    .WithSqliteDatabase(ResourceNames.ProductsDatabase, dataDirectory)
    .WithSettingsFrom(builder.Configuration, "Reservations")
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Shop_OrderService>(ResourceNames.Orders)
    .WithSqliteDatabase(ResourceNames.OrdersDatabase, dataDirectory)
    .WithSettingsFrom(builder.Configuration, "Ordering")
    .WithReference(cache).WaitFor(cache)
    .WithReference(users).WaitFor(users)
    .WithReference(products).WaitFor(products)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
