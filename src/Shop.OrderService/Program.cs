var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddOrderServices();

var app = builder.Build();

app.UseDefaultProblemDetails();
app.UseDefaultSecurity();
app.MapDefaultEndpoints();
app.MapOrdersApi();
app.MapWebhooksApi();
app.MapIntegrationEvents();

await app.MigrateDbContextAsync<OrdersDbContext>(OrdersSeed.SeedSampleOrdersAsync);
await app.RunAsync();
