namespace Shop.Web.Baskets;

/// <summary>Whose basket a request means: the signed-in person's, else the anonymous visitor's cookie's, if any.</summary>
public readonly record struct BasketOwner(int? UserId, string? CookieId)
{
    public bool IsKnown => UserId is not null || CookieId is not null;
}

/// <summary>
/// The baskets: reading, changing and merging them, and the key of a checkout. Every change drops the checkout key, so
/// that an order is placed for exactly the basket the person last saw on the checkout page.
/// </summary>
public sealed class BasketStore(WebDbContext db, TimeProvider clock)
{
    // A change that meets another made at the same moment (a double click) is tried again on what that one left.
    private const int Attempts = 3;

    public async Task<Basket?> FindAsync(BasketOwner owner, CancellationToken cancellationToken) => owner switch
    {
        { UserId: { } userId } => await db.Baskets.Include(b => b.Lines).AsNoTracking().FirstOrDefaultAsync(b => b.OwnerId == userId, cancellationToken),
        { CookieId: { } id } => await db.Baskets.Include(b => b.Lines).AsNoTracking().FirstOrDefaultAsync(b => b.Id == id && b.OwnerId == null, cancellationToken),
        _ => null
    };

    /// <summary>How many items the basket holds, for the header.</summary>
    public async Task<int> CountAsync(BasketOwner owner, CancellationToken cancellationToken) =>
        (await FindAsync(owner, cancellationToken))?.Lines.Sum(l => l.Quantity) ?? 0;

    /// <summary>Adds <paramref name="quantity"/> of a product, making the basket if there is none; the basket's id, for an anonymous visitor's cookie.</summary>
    public Task<string> AddAsync(BasketOwner owner, int productId, int quantity, CancellationToken cancellationToken) =>
        ChangeAsync(owner, basket =>
        {
            if (basket.Lines.FirstOrDefault(l => l.ProductId == productId) is { } line)
            {
                line.Quantity = Math.Min(BasketRules.MaxQuantity, line.Quantity + quantity);
            }
            else if (basket.Lines.Count < BasketRules.MaxLines)
            {
                basket.Lines.Add(new BasketLine { BasketId = basket.Id, ProductId = productId, Quantity = quantity });
            }
        }, create: true, cancellationToken);

    /// <summary>Sets a line's quantity; zero removes it.</summary>
    public Task<string> SetQuantityAsync(BasketOwner owner, int productId, int quantity, CancellationToken cancellationToken) =>
        ChangeAsync(owner, basket =>
        {
            if (basket.Lines.FirstOrDefault(l => l.ProductId == productId) is { } line)
            {
                if (quantity == 0)
                {
                    basket.Lines.Remove(line);
                }
                else
                {
                    line.Quantity = quantity;
                }
            }
        }, create: false, cancellationToken);

    /// <summary>
    /// Moves the lines of the anonymous basket <paramref name="cookieId"/> into the person's basket (quantities of the same
    /// product added up) and deletes it: what a visitor put in their basket before signing in stays there.
    /// </summary>
    public async Task MergeAsync(string cookieId, int userId, CancellationToken cancellationToken)
    {
        var anonymous = await db.Baskets.Include(b => b.Lines).AsNoTracking()
            .FirstOrDefaultAsync(b => b.Id == cookieId && b.OwnerId == null, cancellationToken);
        if (anonymous is null)
        {
            return;
        }

        await ChangeAsync(new BasketOwner(userId, null), basket =>
        {
            foreach (var line in anonymous.Lines)
            {
                if (basket.Lines.FirstOrDefault(l => l.ProductId == line.ProductId) is { } same)
                {
                    same.Quantity = Math.Min(BasketRules.MaxQuantity, same.Quantity + line.Quantity);
                }
                else if (basket.Lines.Count < BasketRules.MaxLines)
                {
                    basket.Lines.Add(new BasketLine { BasketId = basket.Id, ProductId = line.ProductId, Quantity = line.Quantity });
                }
            }
        }, create: true, cancellationToken);
        await db.Baskets.Where(b => b.Id == cookieId && b.OwnerId == null).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The key of the person's checkout under way, made now if there is none; null when the basket is empty.</summary>
    public async Task<string?> BeginCheckoutAsync(int userId, CancellationToken cancellationToken)
    {
        var basket = await db.Baskets.Include(b => b.Lines).FirstOrDefaultAsync(b => b.OwnerId == userId, cancellationToken);
        if (basket is null || basket.Lines.Count == 0)
        {
            return null;
        }

        if (basket.CheckoutKey is null)
        {
            basket.CheckoutKey = Guid.NewGuid().ToString("N");
            basket.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another request of the same person made the key first, or changed the basket: read what it left.
                db.ChangeTracker.Clear();
                return await BeginCheckoutAsync(userId, cancellationToken);
            }
        }

        return basket.CheckoutKey;
    }

    /// <summary>Empties the basket once the order of checkout <paramref name="key"/> is placed, and remembers the order for a repeated submission.</summary>
    public async Task CompleteCheckoutAsync(int userId, string key, int orderId, CancellationToken cancellationToken)
    {
        var basket = await db.Baskets.Include(b => b.Lines).FirstOrDefaultAsync(b => b.OwnerId == userId, cancellationToken);
        if (basket is null || basket.CheckoutKey != key)
        {
            return;
        }

        basket.Lines.Clear();
        (basket.CheckoutKey, basket.PlacedKey, basket.PlacedOrderId) = (null, key, orderId);
        basket.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<string> ChangeAsync(BasketOwner owner, Action<Basket> change, bool create, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var basket = owner switch
            {
                { UserId: { } userId } => await db.Baskets.Include(b => b.Lines).FirstOrDefaultAsync(b => b.OwnerId == userId, cancellationToken),
                { CookieId: { } id } => await db.Baskets.Include(b => b.Lines).FirstOrDefaultAsync(b => b.Id == id && b.OwnerId == null, cancellationToken),
                _ => null
            };
            if (basket is null)
            {
                if (!create)
                {
                    return owner.CookieId ?? "";
                }

                basket = new Basket { Id = BasketCookie.NewId(), OwnerId = owner.UserId };
                db.Baskets.Add(basket);
            }

            change(basket);
            basket.CheckoutKey = null;
            basket.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            try
            {
                if (await db.TrySaveChangesAsync(cancellationToken))
                {
                    return basket.Id;
                }
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                continue;
            }

            if (attempt == Attempts)
            {
                throw new InvalidOperationException($"The basket could not be changed after {Attempts} attempts that met others at the same moment.");
            }
        }
    }
}
