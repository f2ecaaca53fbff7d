using Microsoft.AspNetCore.Components;

namespace Shop.Web.Components;

/// <summary>
/// A page of the shop. Its calls to the services go through <see cref="TryAsync"/>: a service that is away shows as an
/// alert that names it and says when to try again (the page answers 503 with Retry-After), and a session the services
/// no longer accept sends the person to sign in and back to this page.
/// </summary>
public abstract class ShopPage : ComponentBase
{
    [CascadingParameter]
    protected HttpContext HttpContext { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    /// <summary>The outage this page met, if any, which it shows instead of what it could not read.</summary>
    protected ServiceUnavailableException? Outage { get; private set; }

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    protected int? UserId => HttpContext.User.UserId();

    protected async Task<bool> TryAsync(Func<Task> work)
    {
        try
        {
            await work();
            return true;
        }
        catch (ServiceUnavailableException outage)
        {
            Outage = outage;
            if (!HttpContext.Response.HasStarted)
            {
                HttpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                HttpContext.Response.Headers.RetryAfter = outage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return false;
        }
        catch (SessionExpiredException)
        {
            Navigation.NavigateTo(SignInEndpoints.SignInAddress("/" + Navigation.ToBaseRelativePath(Navigation.Uri)), forceLoad: true);
            return false;
        }
    }
}
