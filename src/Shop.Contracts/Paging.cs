using System.ComponentModel.DataAnnotations;

namespace Shop.Contracts;

/// <summary>The query of a paged list: <c>?pageIndex=0&amp;pageSize=20</c>.</summary>
public sealed record PageRequest(
    [property: Range(0, PageRequest.MaxPageIndex)] int PageIndex = 0,
    [property: Range(1, PageRequest.MaxPageSize)] int PageSize = PageRequest.DefaultPageSize)
{
    public const int MaxPageIndex = 1_000_000;
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;
}

/// <summary>One page of a list, with the total count of items across all pages.</summary>
public sealed record Page<T>(int PageIndex, int PageSize, int TotalCount, IReadOnlyList<T> Items);
