using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Shop.ServiceDefaults.Security;

namespace Shop.UserService.Identity;

/// <summary>
/// The RSA keys that sign access tokens, kept in the users database so that every replica signs with the same key and
/// publishes the same set. A new key is added (<see cref="AddAsync"/>) ahead of its use: it is published at once and
/// signs from <c>Identity:KeyActivationDelay</c> later, by when every service has fetched it; the key it replaces stays
/// published for a token's lifetime (and the clock leeway, <c>Identity:ClockSkew</c>) after, so that the tokens it signed
/// stay good until they expire. Each replica reads the set again every <c>Identity:KeyRefreshInterval</c>.
/// <para>
/// A key that must not be trusted any more (it leaked) is withdrawn (<see cref="WithdrawAsync"/>): its row is deleted, so
/// that no replica publishes or accepts it once it has read the set again; the replica that withdraws it stops at once.
/// </para>
/// <para>
/// When <c>Identity:SigningKeyPath</c> is set, the one key is read from that PEM file instead (and made there when
/// missing), for a deployment that manages the key itself, e.g. as a mounted secret; it is not rotated here.
/// </para>
/// </summary>
public sealed class SigningKeys(
    IOptions<ShopIdentityOptions> options,
    IOptions<TokenValidationOptions> validation,
    IConfiguration configuration,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<SigningKeys> logger)
    : IOptionsChangeTokenSource<OpenIddictServerOptions>
{
    private readonly TimeSpan _refreshInterval = configuration.GetValue(ShopIdentity.KeyRefreshIntervalSetting, ShopIdentity.DefaultKeyRefreshInterval);

    private KeySet? _set;
    private CancellationTokenSource _changes = new();

    /// <summary>The key that signs new tokens.</summary>
    public RsaSecurityKey Current => Set.Signing;

    /// <summary>Every key a valid token may be signed with, the signing key first.</summary>
    public IReadOnlyList<RsaSecurityKey> Published => Set.Published;

    /// <summary>Whether the key comes from <c>Identity:SigningKeyPath</c>, outside the shop's reach.</summary>
    public bool ManagedOutside => options.Value.SigningKeyPath is { Length: > 0 };

    public string? Name => Options.DefaultName;

    private KeySet Set => _set ?? throw new InvalidOperationException("The signing keys are read at start, after the database is migrated.");

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changes.Token);

    /// <summary>Reads the keys at start, making the first when there is none.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (ManagedOutside)
        {
            var key = KeyOf(await LoadOrCreateFileAsync(options.Value.SigningKeyPath!, cancellationToken));
            _set = new KeySet(key, [key]);
            return;
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
            if (!await db.SigningKeys.AnyAsync(cancellationToken))
            {
                var now = clock.GetStoredNow();
                db.SigningKeys.Add(new StoredSigningKey { Id = 1, Pem = NewKeyPem(), CreatedAt = now, ActivatesAt = now });
                // When another replica made the first key meanwhile, this one signs with that.
                await db.TrySaveChangesAsync(cancellationToken);
            }
        }

        await RefreshAsync(cancellationToken);
    }

    /// <summary>Reads the keys again, and lets the token issuer know when the set changed.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (ManagedOutside)
        {
            return;
        }

        List<StoredSigningKey> stored;
        await using (var scope = scopes.CreateAsyncScope())
        {
            stored = await scope.ServiceProvider.GetRequiredService<UsersDbContext>().SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        }

        var set = KeySetOf(stored, clock.GetUtcNow());
        if (_set is { } old && old.Signing.KeyId == set.Signing.KeyId && old.Published.Select(k => k.KeyId).SequenceEqual(set.Published.Select(k => k.KeyId)))
        {
            return;
        }

        _set = set;
        logger.LogInformation("Signing with key {KeyId}; publishing {KeyIds}", set.Signing.KeyId, string.Join(", ", set.Published.Select(k => k.KeyId)));
        var changed = Interlocked.Exchange(ref _changes, new CancellationTokenSource());
        await changed.CancelAsync();
        changed.Dispose();
    }

    /// <summary>Adds a new key, published now and signing from <c>Identity:KeyActivationDelay</c> later.</summary>
    public async Task<SigningKeyState> AddAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
        var now = clock.GetStoredNow();
        var key = await InsertAsync(db, now, now + options.Value.KeyActivationDelay, cancellationToken);
        await RefreshAsync(cancellationToken);
        return StatesOf([.. await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken)], now).Single(s => s.KeyId == KeyOf(key.Pem).KeyId);
    }

    /// <summary>Stores a new key that signs from <paramref name="activatesAt"/>.</summary>
    private static async Task<StoredSigningKey> InsertAsync(UsersDbContext db, DateTimeOffset now, DateTimeOffset activatesAt, CancellationToken cancellationToken)
    {
        // Two admins adding a key at once: the second takes the next id.
        for (var attempt = 0; ; attempt++)
        {
            var key = new StoredSigningKey
            {
                Id = (await db.SigningKeys.MaxAsync(k => (int?)k.Id, cancellationToken) ?? 0) + 1,
                Pem = NewKeyPem(),
                CreatedAt = now,
                ActivatesAt = activatesAt
            };
            db.SigningKeys.Add(key);
            if (await db.TrySaveChangesAsync(cancellationToken))
            {
                return key;
            }

            db.ChangeTracker.Clear();
            if (attempt == 3)
            {
                throw new InvalidOperationException("No free id for a new signing key.");
            }
        }
    }

    /// <summary>
    /// Withdraws the key <paramref name="keyId"/>: it is deleted, and this replica stops publishing and accepting it at
    /// once. When it is the key that signs, a new key takes its place and signs at once, without the activation delay:
    /// the tokens of the withdrawn key are refused anyway, so waiting would only leave nothing to sign with. Null for an
    /// unknown key.
    /// <para>
    /// The new key takes the withdrawn key's activation time, so that the key before it is retired when it would have
    /// been, rather than published a token's lifetime longer.
    /// </para>
    /// </summary>
    public async Task<SigningKeyWithdrawal?> WithdrawAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
        var stored = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        var withdrawn = stored.Find(k => KeyOf(k.Pem).KeyId == keyId);
        if (withdrawn is null)
        {
            return null;
        }

        var now = clock.GetStoredNow();
        var wasSigning = KeySetOf(stored, clock.GetUtcNow()).Signing.KeyId == keyId;
        if (wasSigning)
        {
            // Stored before the old one goes, so that a replica reading the keys meanwhile always finds one to sign
            // with; of two keys activated at once, the newer signs.
            await InsertAsync(db, now, withdrawn.ActivatesAt, cancellationToken);
        }

        // Deleted by id, so that of two admins withdrawing it at once, one finds it gone.
        if (await db.SigningKeys.Where(k => k.Id == withdrawn.Id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return null;
        }

        await RefreshAsync(cancellationToken);
        logger.LogWarning("Signing key {KeyId} withdrawn; every service refuses its tokens by {RefusedBy}", keyId, now + 2 * _refreshInterval);
        var signing = StatesOf([.. await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken)], now).Single(s => s.State == SigningKeyState.Signing);
        return new SigningKeyWithdrawal(keyId, signing, wasSigning, now + 2 * _refreshInterval);
    }

    /// <summary>Every key the database holds, and what each does now.</summary>
    public async Task<IReadOnlyList<SigningKeyState>> DescribeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<UsersDbContext>().SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        return StatesOf(stored, clock.GetUtcNow());
    }

    private IReadOnlyList<SigningKeyState> StatesOf(List<StoredSigningKey> stored, DateTimeOffset now)
    {
        var set = KeySetOf(stored, now);
        return [.. stored.OrderBy(k => k.ActivatesAt).ThenBy(k => k.Id).Select(key => StateOf(key, KeyOf(key.Pem).KeyId))];

        SigningKeyState StateOf(StoredSigningKey key, string keyId) => new(keyId, key.CreatedAt, key.ActivatesAt,
            keyId == set.Signing.KeyId ? SigningKeyState.Signing
            : key.ActivatesAt > now ? SigningKeyState.Pending
            : set.Published.Any(published => published.KeyId == keyId) ? SigningKeyState.Retiring
            : SigningKeyState.Retired);
    }

    /// <summary>
    /// The newest key whose time has come signs; keys still to come are published ahead, and each key replaced less
    /// than a token's lifetime (and the clock leeway) ago stays published.
    /// </summary>
    private KeySet KeySetOf(List<StoredSigningKey> stored, DateTimeOffset now)
    {
        var ordered = stored.OrderBy(k => k.ActivatesAt).ThenBy(k => k.Id).ToList();
        var signing = Math.Max(0, ordered.FindLastIndex(k => k.ActivatesAt <= now));
        // Every service accepts a token that much past its expiry, so its key stays published that much longer.
        var keepSince = now - options.Value.AccessTokenLifetime - validation.Value.ClockSkew;
        var published = ordered
            .Where((k, i) => i >= signing || ordered[i + 1].ActivatesAt > keepSince)
            .OrderBy(k => k == ordered[signing] ? 0 : 1)
            .Select(k => KeyOf(k.Pem))
            .ToList();
        return new KeySet(published[0], published);
    }

    private static RsaSecurityKey KeyOf(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        // A stable key id lets validators pick the key from the published set across restarts.
        var keyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        return new RsaSecurityKey(rsa) { KeyId = keyId };
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

    private sealed record KeySet(RsaSecurityKey Signing, IReadOnlyList<RsaSecurityKey> Published);
}

/// <summary>A signing key as <c>GET /signing-keys</c> shows it: its id in tokens and the key set, and what it does now.</summary>
public sealed record SigningKeyState(string KeyId, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt, string State)
{
    public const string Pending = "pending";
    public const string Signing = "signing";
    public const string Retiring = "retiring";
    public const string Retired = "retired";
}

/// <summary>
/// What <c>DELETE /signing-keys/{keyId}</c> did: the key withdrawn, the key that signs now (a new one, signing at once,
/// when the withdrawn key was signing), and by when every replica of every service refuses the withdrawn key's tokens.
/// </summary>
public sealed record SigningKeyWithdrawal(string Withdrawn, SigningKeyState Signing, bool NewKeySigns, DateTimeOffset RefusedEverywhereBy);
