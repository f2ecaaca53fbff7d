namespace Shop.AppHost;

internal static class DataBuilderExtensions
{
    public const string DirectorySettingName = "Data:Directory";

    /// <summary>
    /// The folder of the services' SQLite databases: the <c>Data:Directory</c> setting, or a folder in the
    /// user's local application data, so that data survives restarts and stays out of the repository.
    /// </summary>
    public static string GetDataDirectory(this IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(builder.Configuration[DirectorySettingName] is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "shop", "data"));

    /// <summary>Gives a service its own SQLite database file under <paramref name="dataDirectory"/>.</summary>
    public static IResourceBuilder<ProjectResource> WithSqliteDatabase(
        this IResourceBuilder<ProjectResource> builder, string databaseName, string dataDirectory) =>
        builder.WithEnvironment(
            $"ConnectionStrings__{databaseName}",
            $"Data Source={Path.Combine(dataDirectory, databaseName + ".db")}");
}
