using Shop.ServiceDefaults.Errors;


namespace Shop.Data.Providers;

/// <summary>The service's own database: its resource name (<c>usersdb</c>…), which names it in 503s, and its provider.</summary>
public sealed record ServiceDatabase(string Name, string Provider) : IServiceDatabase
{
    public bool IsOutage(Exception exception) => DatabaseOutage.IsOutage(exception);
}
