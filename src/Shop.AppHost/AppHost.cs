using Shop.AppHost;
using Shop.AppHost.Cache;
using Shop.AppHost.Events;

var builder = DistributedApplication.CreateBuilder(args)
    .WithPromptStartupHealth();

var cache = builder.AddCache(ShopResources.Cache);
var databases = builder.AddServiceDatabases(builder.GetDataDirectory());
var platform = new ServicePlatform(databases, new ServiceReplicas(builder.Configuration, databases));
var events = builder.AddEvents();

// Generated on first run and kept in the AppHost's user secrets; the dashboard shows them under Parameters.
var adminPassword = builder.AddGeneratedSecret(ShopResources.AdminPassword);
var ordersClientSecret = builder.AddGeneratedSecret(ShopResources.OrdersClientSecret);
var webClientSecret = builder.AddGeneratedSecret(ShopResources.WebClientSecret);
// The administrator's email: the configured one (Parameters:admin-email), else a developer's default when run here,
// which a published manifest leaves out, so that a deployment's operator is asked for it and no deployment's
// administrator has a published email. It is kept as a secret is (masked on the dashboard, from the Secret in
// Kubernetes): it is half of what an attacker aims at.
var adminEmail = builder.AddParameter(ShopResources.AdminEmail,
    () => builder.Configuration[$"Parameters:{ShopResources.AdminEmail}"] ?? "admin@shop.example", publishValueAsDefault: false, secret: true);

// The services start together rather than one after another: each copes with the others being away (it
// answers 503 until they are back), so waiting for them would only add their start-up times together.
var users = builder.AddService<Projects.Shop_UserService>(ShopServices.Users, platform, ShopResources.UsersDatabase)
    .WithEnvironment("Identity__Admin__Email", adminEmail)
    .WithEnvironment("Identity__Admin__Password", adminPassword)
    .WithEnvironment($"Identity__Clients__{ShopServices.Orders}", ordersClientSecret)
    .WithEnvironment($"Identity__Applications__{ShopServices.Web}__Secret", webClientSecret)
    .WithCache(cache);

var products = builder.AddService<Projects.Shop_ProductService>(ShopServices.Products, platform, ShopResources.ProductsDatabase, "Reservations")
    .WithReference(users);

var orders = builder.AddService<Projects.Shop_OrderService>(ShopServices.Orders, platform, ShopResources.OrdersDatabase, "Ordering", "Webhooks")
    .WithEnvironment("Identity__ClientSecret", ordersClientSecret)
    .WithCache(cache)
    .WithReference(users)
    .WithReference(products);

// The storefront and back office, and the shop's one public entry: it forwards the services' public API under /api/.
var web = builder.AddService<Projects.Shop_Web>(ShopServices.Web, platform, ShopResources.WebDatabase)
    .WithEnvironment("Identity__ClientSecret", webClientSecret)
    .WithReference(users)
    .WithReference(products)
    .WithReference(orders);

// Who hears of whose events where no broker carries them: users tells orders of a deleted user; orders tells products of
// a confirmed or cancelled order, and itself, for the webhooks it sends; products only listens.
users.WithEvents(events, orders);
orders.WithEvents(events, products, orders);
products.WithEvents(events);

// Tokens name the issuer's public address, where a browser signs in; the services fetch its keys inside the network.
users.WithIssuerAddress(users, products, orders, web);
users.WithApiReferenceClient(users, products, orders);
users.WithWebApplication(web);
platform.Replicas.RefuseUnknownServices([.. builder.Resources.OfType<ProjectResource>().Select(project => project.Name)]);

builder.Build().Run();
