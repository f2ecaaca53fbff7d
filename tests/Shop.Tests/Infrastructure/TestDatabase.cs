namespace Shop.Tests.Infrastructure;

/// <summary>
/// The data provider of the whole-topology tests: SQLite, or PostgreSQL when the environment variable
/// <c>SHOP_TEST_DATABASE</c> is <c>postgres</c>. The in-process service tests always run on SQLite.
/// </summary>
public static class TestDatabase
{
    public const string Variable = "SHOP_TEST_DATABASE";

    public static string Provider { get; } = Environment.GetEnvironmentVariable(Variable)?.Trim().ToLowerInvariant() switch
    {
        null or "" or DataProviders.Sqlite => DataProviders.Sqlite,
        DataProviders.Postgres => DataProviders.Postgres,
        var other => throw new InvalidOperationException($"{Variable} is '{other}'; use {DataProviders.Sqlite} or {DataProviders.Postgres}.")
    };
}
