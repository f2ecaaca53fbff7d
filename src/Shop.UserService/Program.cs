var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddUserServices();

var app = builder.Build();

app.UseDefaultProblemDetails();
app.UseCors();
app.UseIssuerRequestGuard();
app.UseDefaultSecurity();
app.UseInvalidSignInRequests();
app.MapDefaultEndpoints();
app.MapAuthorizationApi();
app.MapTokenApi();
app.MapRazorPages();
app.MapUsersApi();
app.MapSigningKeysApi();
app.MapIntegrationEvents();

await app.MigrateDbContextAsync<UsersDbContext>(UsersSeed.SeedSampleUsersAsync, seed: UsersSeed.EnsureRequiredAccountsAsync);
await app.Services.GetRequiredService<SigningKeys>().LoadAsync(app.Lifetime.ApplicationStopping);
await app.RunAsync();
