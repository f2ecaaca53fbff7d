using Shop.UserService.Apis;
using Shop.UserService.Data;
using Shop.UserService.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddUserServices();

var app = builder.Build();

app.UseDefaultProblemDetails();
app.MapDefaultEndpoints();
app.MapUsersApi();

await app.MigrateDbContextAsync<UsersDbContext>(UsersSeed.SeedAsync);
app.Run();
