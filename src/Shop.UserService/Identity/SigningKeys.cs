using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Shop.UserService.Data;
using Shop.UserService.Model;

namespace Shop.UserService.Identity;

/// <summary>
/// The RSA key that signs access tokens. It is kept in the users database, made there at first start, so that every
/// replica signs with the same key wherever it runs. When <c>Identity:SigningKeyPath</c> is set it is read from that PEM
/// file instead (and made there when missing), for a deployment that manages the key itself, e.g. as a mounted secret.
/// </summary>
public sealed class SigningKeys(IOptions<IdentityOptions> options, IServiceScopeFactory scopes, TimeProvider clock)
{
    private RsaSecurityKey? _current;

    public RsaSecurityKey Current => _current ?? throw new InvalidOperationException("The signing key is read at start, after the database is migrated.");

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var pem = options.Value.SigningKeyPath is { Length: > 0 } path
            ? await LoadOrCreateFileAsync(path, cancellationToken)
            : await LoadOrCreateStoredAsync(cancellationToken);
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        // A stable key id lets validators pick the key from the published set across restarts.
        var keyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        _current = new RsaSecurityKey(rsa) { KeyId = keyId };
    }

    private async Task<string> LoadOrCreateStoredAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
        if (await db.SigningKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == StoredSigningKey.CurrentId, cancellationToken) is { } stored)
        {
            return stored.Pem;
        }

        var pem = NewKeyPem();
        db.SigningKeys.Add(new StoredSigningKey { Id = StoredSigningKey.CurrentId, Pem = pem, CreatedAt = clock.GetUtcNow() });
        if (await db.TrySaveChangesAsync(cancellationToken))
        {
            return pem;
        }

        // Another replica made the key first: sign with that one.
        return (await db.SigningKeys.AsNoTracking().SingleAsync(k => k.Id == StoredSigningKey.CurrentId, cancellationToken)).Pem;
    }

    private static async Task<string> LoadOrCreateFileAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }

        var pem = NewKeyPem();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var file = new StreamWriter(path, fileOptions);
        await file.WriteAsync(pem);
        return pem;
    }

    private static string NewKeyPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }
}
