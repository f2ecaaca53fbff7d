using Microsoft.EntityFrameworkCore;
using Shop.Contracts;

namespace Shop.Data.Persistence;

public static class PagingExtensions
{
    /// <summary>Reads one page of an ordered query, and the total count.</summary>
    public static async Task<Page<TResult>> ToPageAsync<TSource, TResult>(
        this IOrderedQueryable<TSource> query,
        PageRequest page,
        Func<TSource, TResult> map,
        CancellationToken cancellationToken)
        where TSource : class
    {
        var total = await query.CountAsync(cancellationToken);
        var items = await query
            .Skip(page.PageIndex * page.PageSize)
            .Take(page.PageSize)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return new Page<TResult>(page.PageIndex, page.PageSize, total, items.Select(map).ToList());
    }
}
