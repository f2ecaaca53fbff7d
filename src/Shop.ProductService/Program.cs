var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddProductServices();

var app = builder.Build();

app.UseDefaultProblemDetails();
app.UseDefaultSecurity();
app.MapDefaultEndpoints();
app.MapProductsApi();
app.MapReservationsApi();

await app.MigrateDbContextAsync<ProductsDbContext>(ProductsSeed.SeedSampleProductsAsync);
await app.RunAsync();
