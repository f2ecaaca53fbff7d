using Shop.AppHost;
using Shop.AppHost.Cache;

var builder = DistributedApplication.CreateBuilder(args)
    .WithPromptStartupHealth();

var cache = builder.AddCache(ShopResources.Cache);
var dataDirectory = builder.GetDataDirectory();
var databases = builder.AddServiceDatabases(dataDirectory);
var replicas = builder.GetServiceReplicas(databases);

// Generated on first run and kept in the AppHost's user secrets; the dashboard shows them under Parameters.
var adminPassword = builder.AddGeneratedSecret("admin-password");
var ordersClientSecret = builder.AddGeneratedSecret($"{ShopServices.Orders}-client-secret");

// The services start together rather than one after another: each copes with the others being away (it
// answers 503 until they are back), so waiting for them would only add their start-up times together.
var users = builder.AddProject<Projects.Shop_UserService>(ShopServices.Users)
    .WithServiceEndpoint(replicas)
    .WithDotnetReferences()
    .WithBuiltAssembly()
    .WithDatabase(databases, ShopResources.UsersDatabase)
    .WithEnvironment("Identity__Admin__Password", adminPassword)
    .WithEnvironment($"Identity__Clients__{ShopServices.Orders}", ordersClientSecret)
    .WithSettingsFrom(builder.Configuration, "RateLimits")
    .WithSettingsFrom(builder.Configuration, "ServiceCalls")
    .WithSettingsFrom(builder.Configuration, "Identity")
    .WithSettingsFrom(builder.Configuration, "Cache", except: CacheHostSelector.SettingName)
    .WithReference(cache).WaitFor(cache)
    .WithHttpHealthCheck("/health");

var products = builder.AddProject<Projects.Shop_ProductService>(ShopServices.Products)
    .WithServiceEndpoint(replicas)
    .WithDotnetReferences()
    .WithBuiltAssembly()
    .WithDatabase(databases, ShopResources.ProductsDatabase)
    .WithSettingsFrom(builder.Configuration, "Reservations")
    .WithSettingsFrom(builder.Configuration, "RateLimits")
    .WithSettingsFrom(builder.Configuration, "ServiceCalls")
    .WithSettingsFrom(builder.Configuration, "Identity")
    .WithReference(users)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Shop_OrderService>(ShopServices.Orders)
    .WithServiceEndpoint(replicas)
    .WithDotnetReferences()
    .WithBuiltAssembly()
    .WithDatabase(databases, ShopResources.OrdersDatabase)
    .WithSettingsFrom(builder.Configuration, "Ordering")
    .WithSettingsFrom(builder.Configuration, "RateLimits")
    .WithSettingsFrom(builder.Configuration, "ServiceCalls")
    .WithSettingsFrom(builder.Configuration, "Identity")
    .WithEnvironment("Identity__ClientSecret", ordersClientSecret)
    .WithSettingsFrom(builder.Configuration, "Cache", except: CacheHostSelector.SettingName)
    .WithReference(cache).WaitFor(cache)
    .WithReference(users)
    .WithReference(products)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
