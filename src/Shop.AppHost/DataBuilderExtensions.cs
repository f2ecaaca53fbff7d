using Shop.AppHost.Postgres;

namespace Shop.AppHost;

/// <summary>The services' databases: a SQLite file each in the data folder, or a database each on one PostgreSQL server.</summary>
internal sealed class ServiceDatabases(string provider, string dataDirectory, PostgresDatabases? postgres)
{
    /// <summary><see cref="DataProviders.Sqlite"/> or <see cref="DataProviders.Postgres"/>.</summary>
    public string Provider => provider;

    /// <summary>Gives <paramref name="service"/> its database <paramref name="name"/>, and tells it which provider to use.</summary>
    public IResourceBuilder<ProjectResource> Attach(IResourceBuilder<ProjectResource> service, string name)
    {
        service.WithEnvironment(DataProviders.Setting.Replace(":", "__", StringComparison.Ordinal), provider);
        if (postgres is null)
        {
            return service.WithEnvironment($"ConnectionStrings__{name}", $"Data Source={Path.Combine(dataDirectory, name + ".db")}");
        }

        var database = postgres.ByName[name];
        service.WithReference(database);
        if (!postgres.ServicesWait)
        {
            return service;
        }

        // The server first: a server that ended fails the service at once, where its database would only stay unhealthy.
        return postgres.Server is { } server ? service.WaitFor(server).WaitFor(database) : service.WaitFor(database);
    }
}

internal static class DataBuilderExtensions
{
    public const string DirectorySettingName = "Data:Directory";

    /// <summary>
    /// The folder of the services' data: the <c>Data:Directory</c> setting, or a folder in the user's local application
    /// data, so that data survives restarts and stays out of the repository.
    /// </summary>
    public static string GetDataDirectory(this IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(builder.Configuration[DirectorySettingName] is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "shop", "data"));

    /// <summary>
    /// The services' databases on the provider <c>Data:Provider</c> names: SQLite (the default) or PostgreSQL. A
    /// published shop keeps its data in PostgreSQL: a SQLite file belongs to the machine that has it.
    /// </summary>
    public static ServiceDatabases AddServiceDatabases(this IDistributedApplicationBuilder builder, string dataDirectory)
    {
        var publishing = builder.ExecutionContext.IsPublishMode;
        var provider = builder.Configuration[DataProviders.Setting]?.Trim().ToLowerInvariant() switch
        {
            null or "" => publishing ? DataProviders.Postgres : DataProviders.Sqlite,
            DataProviders.Sqlite when publishing => throw new InvalidOperationException(
                $"{DataProviders.Setting} is {DataProviders.Sqlite}, but a published shop keeps its data in PostgreSQL: a SQLite file " +
                $"belongs to the machine that has it. Publish without {DataProviders.Setting}, or with {DataProviders.Postgres}."),
            DataProviders.Sqlite => DataProviders.Sqlite,
            DataProviders.Postgres => DataProviders.Postgres,
            var other => throw new InvalidOperationException(
                $"{DataProviders.Setting} is '{other}'; use {DataProviders.Sqlite} or {DataProviders.Postgres}.")
        };
        if (!publishing)
        {
            // The SQLite files, and the signing key or the PostgreSQL cluster when they live here, are the shop's data.
            PrivateDirectory.Ensure(dataDirectory, DirectorySettingName);
        }

        return new(provider, dataDirectory, provider == DataProviders.Postgres
            ? builder.AddPostgresDatabases(ShopResources.Postgres, dataDirectory, ShopResources.Databases)
            : null);
    }

    /// <summary>Gives the service its own database, on the provider the AppHost chose.</summary>
    public static IResourceBuilder<ProjectResource> WithDatabase(
        this IResourceBuilder<ProjectResource> service, ServiceDatabases databases, string name) => databases.Attach(service, name);
}
