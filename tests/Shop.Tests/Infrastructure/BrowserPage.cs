using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.WebUtilities;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// What a <see cref="BrowserSession"/> got for one request: the status, where it redirects, the page as a person reads it
/// and its forms; and the requests that led to it (<see cref="Trail"/>), the redirects it followed to get there.
/// </summary>
public sealed class BrowserPage
{
    internal BrowserPage(HttpMethod method, Uri url, HttpStatusCode status, Uri? location, string body, IDocument? document,
        IReadOnlyList<string> setCookies, IReadOnlyList<BrowserPage> before)
    {
        Method = method;
        Url = url;
        Status = status;
        Location = location;
        Body = body;
        Document = document;
        SetCookies = setCookies;
        Trail = [.. before, this];
    }

    public HttpMethod Method { get; }

    /// <summary>The address this page was loaded from.</summary>
    public Uri Url { get; }

    public HttpStatusCode Status { get; }

    /// <summary>The absolute address of the <c>Location</c> header; null when the answer has none.</summary>
    public Uri? Location { get; }

    /// <summary>Where this answer sends the browser: its <see cref="Location"/>, when it is a redirect.</summary>
    public Uri? RedirectsTo => (int)Status is >= 300 and < 400 ? Location : null;

    public string Body { get; }

    /// <summary>The HTML page, when the answer is one.</summary>
    public IDocument? Document { get; }

    /// <summary>The <c>Set-Cookie</c> headers of this answer, as sent.</summary>
    public IReadOnlyList<string> SetCookies { get; }

    /// <summary>Every answer of the navigation that ended here, the first request first and this one last.</summary>
    public IReadOnlyList<BrowserPage> Trail { get; }

    /// <summary>The page's text as a person reads it, whitespace collapsed; the body as it is when it is not HTML.</summary>
    public string Text => Document?.Body is { } body
        ? string.Join(' ', body.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        : Body;

    /// <summary>The parameters of the redirect's query, as the client at the redirect URI reads them.</summary>
    public IReadOnlyDictionary<string, string> RedirectParameters =>
        QueryHelpers.ParseQuery(RedirectsTo?.Query ?? throw new InvalidOperationException($"{Describe()} is not a redirect."))
            .ToDictionary(parameter => parameter.Key, parameter => parameter.Value.ToString());

    /// <summary>The redirect's address without its query: which endpoint of the client it returns to.</summary>
    public Uri? RedirectEndpoint => RedirectsTo is { } to ? new Uri(to.GetLeftPart(UriPartial.Path)) : null;

    /// <summary>Whether the page has a form submitted with a button that reads <paramref name="button"/>.</summary>
    public bool HasForm(string button) => Forms.Any(form => FindSubmitButton(form, button) is not null);

    /// <summary>The form submitted with the button that reads <paramref name="button"/>, as a person finds it.</summary>
    public IHtmlFormElement Form(string button) =>
        Forms.FirstOrDefault(form => FindSubmitButton(form, button) is not null)
        ?? throw new InvalidOperationException($"{Describe()} has no form with a button '{button}'. It reads: {Text}");

    /// <summary>The address of the link that reads <paramref name="text"/>.</summary>
    public Uri Link(string text) =>
        Document?.QuerySelectorAll<IHtmlAnchorElement>("a[href]").FirstOrDefault(link => Normalized(link.TextContent) == text) is { } anchor
            ? new Uri(anchor.Href)
            : throw new InvalidOperationException($"{Describe()} has no link '{text}'. It reads: {Text}");

    /// <summary>The submit button of <paramref name="form"/> that reads <paramref name="text"/>, or its only one when not given.</summary>
    internal static IHtmlElement? SubmitButton(IHtmlFormElement form, string? text)
    {
        if (text is not null)
        {
            return FindSubmitButton(form, text) ?? throw new InvalidOperationException($"The form has no button '{text}'.");
        }

        var buttons = SubmitButtons(form).ToList();
        return buttons.Count <= 1 ? buttons.SingleOrDefault() : throw new InvalidOperationException("The form has several buttons: name one.");
    }

    public override string ToString() => Describe();

    private string Describe() => $"{Method} {Url} ({(int)Status}{(Location is null ? "" : $" to {Location}")})";

    private IEnumerable<IHtmlFormElement> Forms => Document?.Forms ?? Enumerable.Empty<IHtmlFormElement>();

    private static IHtmlElement? FindSubmitButton(IHtmlFormElement form, string text) =>
        SubmitButtons(form).FirstOrDefault(button => Normalized(button is IHtmlInputElement input ? input.Value : button.TextContent) == text);

    private static IEnumerable<IHtmlElement> SubmitButtons(IHtmlFormElement form) =>
        form.Elements.OfType<IHtmlElement>().Where(element => element switch
        {
            IHtmlButtonElement button => button.Type is "submit",
            IHtmlInputElement input => input.Type is "submit",
            _ => false
        });

    private static string Normalized(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
