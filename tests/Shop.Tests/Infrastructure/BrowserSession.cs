using System.Net;
using AngleSharp;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.TestHost;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// A browser without JavaScript, as a person's browser meets the issuer: a cookie jar of its own, redirects followed one
/// at a time while they stay on the issuer's origin and stopped at one that leaves it (the client's redirect URI, whose
/// <c>code</c> and <c>state</c> a test reads there), and forms submitted as a browser submits them, hidden inputs and all.
/// It runs over any handler: an in-process server's (<see cref="InProcess(TestServer, IPAddress?)"/>) or the network's
/// (<see cref="Over(Uri)"/>).
/// </summary>
public sealed class BrowserSession : IDisposable
{
    private const int MostRedirects = 10;

    /// <summary>What Chromium accepts when it loads a page.</summary>
    private const string Accept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8";

    private readonly HttpClient _http;
    private readonly IBrowsingContext _context = BrowsingContext.New(Configuration.Default);

    /// <param name="handler">Sends the requests as they are: it neither keeps cookies nor follows redirects.</param>
    /// <param name="origin">The issuer's origin: the redirects the browser follows by itself are those that stay on it.</param>
    public BrowserSession(HttpMessageHandler handler, Uri origin)
    {
        _http = new HttpClient(handler);
        Origin = origin;
    }

    /// <summary>A browser of the service in <paramref name="server"/>, reaching it from <paramref name="address"/> when given.</summary>
    public static BrowserSession InProcess(TestServer server, IPAddress? address = null) =>
        new(address is null ? server.CreateHandler() : server.CreateHandler(context => context.Connection.RemoteIpAddress = address), server.BaseAddress);

    /// <summary>A browser of the service at <paramref name="origin"/>, over the network.</summary>
    public static BrowserSession Over(Uri origin) =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }, origin);

    /// <summary>The issuer's origin, against which relative addresses are resolved.</summary>
    public Uri Origin { get; }

    /// <summary>The browser's cookie jar.</summary>
    public CookieContainer Cookies { get; } = new();

    /// <summary>The cookie named <paramref name="name"/> that the browser would send to the issuer; null when it holds none.</summary>
    public Cookie? CookieNamed(string name) => Cookies.GetCookies(AsBrowserSees(Origin))[name];

    /// <summary>Opens <paramref name="url"/> (relative to <see cref="Origin"/>) and follows the redirects that stay on the issuer's origin.</summary>
    public async Task<BrowserPage> OpenAsync(string url) => await OpenAsync(new Uri(Origin, url));

    /// <inheritdoc cref="OpenAsync(string)"/>
    public async Task<BrowserPage> OpenAsync(Uri url) =>
        await FollowAsync(await SendAsync(new HttpRequestMessage(HttpMethod.Get, url), []));

    /// <summary>Loads <paramref name="url"/> alone, whatever it answers: a redirect is not followed.</summary>
    public async Task<BrowserPage> LoadAsync(Uri url) => await SendAsync(new HttpRequestMessage(HttpMethod.Get, url), []);

    /// <summary>
    /// Fills <paramref name="form"/>'s fields by name, submits it with <paramref name="button"/> (its only submit button
    /// when not given) as a browser would, with its hidden inputs but those named in <paramref name="leaveOut"/>, and
    /// follows the redirects that stay on the issuer's origin.
    /// </summary>
    public async Task<BrowserPage> SubmitAsync(
        IHtmlFormElement form, IReadOnlyDictionary<string, string> fields, string? button = null, params string[] leaveOut)
    {
        foreach (var (name, value) in fields)
        {
            switch (FieldNamed(form, name))
            {
                case IHtmlInputElement input:
                    input.Value = value;
                    break;
                case IHtmlTextAreaElement text:
                    text.Value = value;
                    break;
                case IHtmlSelectElement select:
                    select.Value = value;
                    break;
                case var other:
                    throw new InvalidOperationException($"The field '{name}' is a <{other.LocalName}>, which cannot be filled in.");
            }
        }

        foreach (var name in leaveOut)
        {
            FieldNamed(form, name).Remove();
        }

        var submission = (BrowserPage.SubmitButton(form, button) is { } submitter ? form.GetSubmission(submitter) : form.GetSubmission())
            ?? throw new InvalidOperationException("The form cannot be submitted.");
        var target = new Uri(submission.Target.Href);
        var request = new HttpRequestMessage(submission.Method == AngleSharp.Io.HttpMethod.Post ? HttpMethod.Post : HttpMethod.Get, target);
        if (request.Method == HttpMethod.Post)
        {
            request.Content = new StreamContent(submission.Body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", submission.MimeType);
            // A browser names the page's origin on every POST.
            request.Headers.TryAddWithoutValidation("Origin", new Uri(form.Owner!.Url).GetLeftPart(UriPartial.Authority));
        }

        return await FollowAsync(await SendAsync(request, []));
    }

    /// <summary>Follows <paramref name="page"/>'s redirect, and the next, while they stay on the issuer's origin.</summary>
    public async Task<BrowserPage> FollowAsync(BrowserPage page)
    {
        while (page.RedirectsTo is { } next && IsOnOrigin(next))
        {
            if (page.Trail.Count > MostRedirects)
            {
                throw new InvalidOperationException($"More than {MostRedirects} redirects: {string.Join(" -> ", page.Trail.Select(step => step.Url))}");
            }

            page = await SendAsync(new HttpRequestMessage(HttpMethod.Get, next), page.Trail);
        }

        return page;
    }

    private async Task<BrowserPage> SendAsync(HttpRequestMessage request, IReadOnlyList<BrowserPage> before)
    {
        using (request)
        {
            var url = request.RequestUri!;
            var cookies = Cookies.GetCookieHeader(AsBrowserSees(url));
            if (cookies.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Cookie", cookies);
            }

            request.Headers.TryAddWithoutValidation("Accept", Accept);
            using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
            var setCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
            foreach (var setCookie in setCookies)
            {
                Cookies.SetCookies(AsBrowserSees(url), setCookie);
            }

            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var isHtml = response.Content.Headers.ContentType?.MediaType == "text/html";
            var document = isHtml ? await _context.OpenAsync(page => page.Content(body).Address(url.AbsoluteUri), TestContext.Current.CancellationToken) : null;
            var location = response.Headers.Location is { } to ? new Uri(url, to) : null;
            return new BrowserPage(request.Method, url, response.StatusCode, location, body, document, setCookies, before);
        }
    }

    private bool IsOnOrigin(Uri url) => Uri.Compare(url, Origin, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>
    /// The address as the jar is asked with: a browser treats loopback as a secure context, so that cookies marked
    /// Secure are kept and sent there over plain http, as on https.
    /// </summary>
    private static Uri AsBrowserSees(Uri url) =>
        url.IsLoopback && url.Scheme == Uri.UriSchemeHttp ? new UriBuilder(url) { Scheme = Uri.UriSchemeHttps, Port = url.Port }.Uri : url;

    private static AngleSharp.Dom.IElement FieldNamed(IHtmlFormElement form, string name) =>
        form.Elements.FirstOrDefault(element => element.GetAttribute("name") == name)
        ?? throw new InvalidOperationException(
            $"The form has no field named '{name}'; it has {string.Join(", ", form.Elements.Select(element => element.GetAttribute("name")).OfType<string>())}.");

    public void Dispose()
    {
        _http.Dispose();
        _context.Dispose();
    }
}
