using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Shop.AppHost.Postgres;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of the test's own, not the AppHost's, with no database but PostgreSQL's own: what a managed
/// server given to a deployment looks like. It runs from the installed PostgreSQL, as its account when the tests run as root.
/// </summary>
public sealed class StandalonePostgres : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly Process _server;

    private StandalonePostgres(string dataDirectory, Process server, string connectionString)
    {
        _dataDirectory = dataDirectory;
        _server = server;
        ConnectionString = connectionString;
    }

    /// <summary>The superuser's connection string, without a database, as <c>ConnectionStrings:postgres</c> takes it.</summary>
    public string ConnectionString { get; }

    public static async Task<StandalonePostgres> StartAsync()
    {
        var installation = LocalPostgresInstallation.Find() ?? throw new InvalidOperationException("PostgreSQL is not installed.");
        var dataDirectory = Directory.CreateTempSubdirectory("shop-tests-server-").FullName;
        var cluster = LocalPostgresCluster.For(dataDirectory);
        var password = Guid.NewGuid().ToString("N");
        await cluster.InitializeAsync(installation, password, _ => { }, TestContext.Current.CancellationToken);

        var port = LoopbackPort.Free();
        var (command, arguments) = cluster.AsAccount(installation.Postgres, "-D", cluster.Directory,
            "-p", port.ToString(CultureInfo.InvariantCulture), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=");
        var server = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        var standalone = new StandalonePostgres(dataDirectory, server,
            $"Host=127.0.0.1;Port={port};Username=postgres;Password={password}");
        await Eventually.HoldsAsync(standalone.AcceptsConnectionsAsync, "The PostgreSQL server did not start.");
        return standalone;
    }

    /// <summary>The databases on the server, PostgreSQL's own templates left out.</summary>
    public async Task<IReadOnlyList<string>> DatabasesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Database=postgres;Pooling=false");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Runs <paramref name="statements"/> one by one as the superuser, in PostgreSQL's own database.</summary>
    public async Task ExecuteAsync(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Database=postgres;Pooling=false");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The first value <paramref name="query"/> answers, as the superuser, in <paramref name="database"/>.</summary>
    public async Task<object?> ScalarAsync(string database, string query)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + $";Database={database};Pooling=false");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(query, connection);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    private async Task<bool> AcceptsConnectionsAsync()
    {
        try
        {
            return (await DatabasesAsync()).Count > 0;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>Stops the server at once (SIGQUIT, which ends its workers too) and removes its cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var signal = Process.Start("kill", ["-QUIT", _server.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        await _server.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        _server.Dispose();
        ShopTopology.RemoveData(_dataDirectory);
    }
}
