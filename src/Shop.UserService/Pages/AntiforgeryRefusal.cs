using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Shop.UserService.Pages;

/// <summary>
/// A form posted without its antiforgery token, or with another browser's, is refused as Razor Pages refuses it (400),
/// with the problem every other refusal of the shop is, saying why and what to do: nothing of it was read or done.
/// </summary>
internal sealed class AntiforgeryRefusal : IAsyncAlwaysRunResultFilter
{
    public async Task OnResultExecutionAsync(ResultExecutingContext context, ResultExecutionDelegate next)
    {
        if (context.Result is not IAntiforgeryValidationFailedResult)
        {
            await next();
            return;
        }

        var http = context.HttpContext;
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The form could not be trusted.",
                Detail = "The form's antiforgery token is missing, expired or from another browser: open the page again and send the form from it."
            }
        });
        context.Result = new EmptyResult();
    }
}
