var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebServices();

var app = builder.Build();

app.UseExceptionHandler(new ExceptionHandlerOptions
{
    ExceptionHandlingPath = "/error",
    CreateScopeForErrors = true,
    // A form the framework refuses (no antiforgery token, a field it cannot read) is the sender's to fix: a 400, not a 500.
    // A service that is away (the issuer, when a person signs in) is a 503 page that says which and when to try again.
    StatusCodeSelector = exception => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        ServiceUnavailableException => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError
    }
});
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
