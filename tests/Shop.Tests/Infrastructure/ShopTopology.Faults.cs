using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Shop.Tests.Infrastructure;

/// <summary>Faults a test plays on a resource: stopping, killing, freezing and starting it again.</summary>
public sealed partial class ShopTopology
{
    /// <summary>Stops a resource the way an orchestrator does, with SIGTERM to its process, and waits until Aspire sees it stopped.</summary>
    public async Task StopResourceAsync(string resource)
    {
        await SignalAsync(resource, "-TERM");
        await WaitUntilStoppedAsync(resource);
    }

    /// <summary>
    /// Stops the PostgreSQL server with a fast shutdown (SIGINT), which ends every connection at once, as a restart of a
    /// managed server does; its smart shutdown (SIGTERM) would wait for the services' pooled connections to close.
    /// </summary>
    public async Task StopDatabaseServerAsync()
    {
        await SignalAsync(ShopResources.Postgres, "-INT");
        await WaitUntilStoppedAsync(ShopResources.Postgres);
    }

    /// <summary>Kills a resource's process outright (SIGKILL), as a crash would, and waits until Aspire sees it stopped.</summary>
    public async Task KillResourceAsync(string resource)
    {
        await SignalAsync(resource, "-KILL");
        await WaitUntilStoppedAsync(resource);
    }

    /// <summary>Freezes a resource's process (SIGSTOP): it keeps its connections open but answers nothing, like a server that hangs.</summary>
    public Task FreezeResourceAsync(string resource) => SignalAsync(resource, "-STOP");

    /// <summary>Lets a frozen resource's process go on (SIGCONT).</summary>
    public Task ThawResourceAsync(string resource) => SignalAsync(resource, "-CONT");

    /// <summary>Sends a signal to the resource's own process: the service itself, which the AppHost starts without <c>dotnet run</c>.</summary>
    private async Task SignalAsync(string resource, string signal) => await RunAsync("kill", signal, await ProcessIdOfAsync(resource));

    private async Task<string> ProcessIdOfAsync(string resource)
    {
        var running = await _app.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running).WaitAsync(StartTimeout);
        return Convert.ToString(running.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, CultureInfo.InvariantCulture)!;
    }

    private Task WaitUntilStoppedAsync(string resource) =>
        _app.ResourceNotifications.WaitForResourceAsync(resource, [KnownResourceStates.Exited, KnownResourceStates.Finished]).WaitAsync(StartTimeout);

    private static async Task RunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(tool, arguments);
        await process.WaitForExitAsync().WaitAsync(StartTimeout);
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>Starts a stopped resource with the dashboard's Start command, and waits until it is healthy.</summary>
    public async Task StartResourceAsync(string resource)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand).WaitAsync(StartTimeout);
        Assert.True(result.Success, result.Message);
        // Right after the command the resource may still show its old state (Exited), which the default wait takes as a failure.
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable).WaitAsync(StartTimeout);
    }
}
