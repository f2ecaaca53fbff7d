using System.Security.Cryptography;

namespace Shop.Web.Baskets;

/// <summary>
/// The cookie that finds an anonymous visitor's basket: a random id of 128 bits, which is all it takes to read the
/// basket, HttpOnly, Secure over HTTPS, and SameSite=Lax so that no other site can post to the basket on the visitor's
/// behalf. It is kept for 30 days; signing in moves its lines into the person's basket and drops it.
/// </summary>
public static class BasketCookie
{
    public const string Name = "shop.web.basket";

    /// <summary>The length of an id: 16 random bytes in base64url.</summary>
    public const int IdLength = 22;

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    public static string? Read(HttpContext context) =>
        context.Request.Cookies[Name] is { Length: IdLength } id && id.All(IsBase64Url) ? id : null;

    public static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static void Write(HttpContext context, string id, DateTimeOffset now) => context.Response.Cookies.Append(Name, id, new CookieOptions
    {
        HttpOnly = true,
        Secure = context.Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        Expires = now + Lifetime,
        IsEssential = true
    });

    public static void Delete(HttpContext context) => context.Response.Cookies.Delete(Name, new CookieOptions { Path = "/" });

    private static bool IsBase64Url(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
