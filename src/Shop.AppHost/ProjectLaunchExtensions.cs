using System.Reflection;

namespace Shop.AppHost;

internal static class ProjectLaunchExtensions
{
    /// <summary>
    /// Starts the project's built assembly with the .NET host (<c>dotnet Shop.UserService.dll</c>) rather than through
    /// <c>dotnet run</c>, which evaluates the project file on every start: a topology starts in half the CPU time, and
    /// the resource's process is the service itself, so that stopping it stops the service. The AppHost builds the
    /// projects it references, in its own configuration; where the assembly is not there, <c>dotnet run</c> stays.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBuiltAssembly(this IResourceBuilder<ProjectResource> builder)
    {
        if (!builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return builder;
        }

        var projectPath = builder.Resource.GetProjectMetadata().ProjectPath;
        var projectDirectory = Path.GetDirectoryName(projectPath)!;
        var output = typeof(ProjectLaunchExtensions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "ProjectOutputPath").Value!;
        var assembly = Path.Combine(projectDirectory, output, Path.GetFileNameWithoutExtension(projectPath) + ".dll");
        if (!File.Exists(assembly))
        {
            return builder;
        }

        return builder
            .WithAnnotation(new ExecutableAnnotation { Command = DotnetHost.Path, WorkingDirectory = projectDirectory })
            .WithArgs(assembly);
    }
}

/// <summary>The .NET host that runs the AppHost, and so the services and Garnet.</summary>
internal static class DotnetHost
{
    public static string Path { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)
            ? hostPath
            : "dotnet";
}
