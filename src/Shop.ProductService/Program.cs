var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddProductServices();

var app = builder.Build();

app.UseDefaultProblemDetails();
app.UseDefaultSecurity();
app.MapDefaultEndpoints();
app.MapProductsApi();
app.MapReservationsApi();
app.MapIntegrationEvents();

await app.MigrateDbContextAsync<ProductsDbContext>(ProductsSeed.SeedSampleProductsAsync);
await app.RunAsync();
