namespace Shop.ServiceDefaults.Errors;

/// <summary>The service's own database, where it has one: its name, and which failures mean it is away (a 503).</summary>
public interface IServiceDatabase
{
    string Name { get; }

    bool IsOutage(Exception exception);
}
