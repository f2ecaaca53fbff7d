var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebServices();

var app = builder.Build();

app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
app.UsePageSecurityHeaders();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapSignInEndpoints();
app.MapBasketEndpoints();
app.MapOrderEndpoints();
app.MapFrontDoor();
app.MapRazorComponents<App>();

await app.MigrateDbContextAsync<WebDbContext>();
await app.RunAsync();
