namespace Shop.ServiceDefaults;

/// <summary>The service's own database: its resource name (<c>usersdb</c>…), which names it in 503s, and its provider.</summary>
public sealed record ServiceDatabase(string Name, string Provider);
