using System.Diagnostics;
using System.Threading.Channels;

namespace Shop.OrderService.Ordering.Batching;

/// <summary>
/// Runs one step for many callers at once. A caller's item waits while the step's previous run is busy, then goes with
/// every item that queued meanwhile, up to <c>maxBatch</c>: a lone caller waits for nothing, and under load one run
/// serves many. When a run fails, every caller in it gets the failure.
/// </summary>
/// <remarks>
/// Each run is a trace of its own, named <c>name</c>, linked to the trace of every caller in it: a run serves many
/// requests, so it belongs to none of them.
/// </remarks>
public sealed class BatchedStep<TItem, TResult> : IAsyncDisposable
{
    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ActivitySource _activities;
    private readonly string _name;
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _run;
    private readonly int _maxBatch;
    private readonly Task _loop;

    /// <param name="run">The step: one result for each item, in the items' order.</param>
    public BatchedStep(ActivitySource activities, string name, Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> run, int maxBatch)
    {
        (_activities, _name, _run, _maxBatch) = (activities, name, run, maxBatch);
        // Without the context of whoever builds it, so that the first caller's trace does not take in every later run.
        using var _ = ExecutionContext.SuppressFlow();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Queues <paramref name="item"/> for the next run. An item whose caller gives up before that run is left out of it.</summary>
    public Task<TResult> RunAsync(TItem item, CancellationToken cancellationToken)
    {
        var entry = new Entry(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken,
            Activity.Current?.Context ?? default);
        if (!_queue.Writer.TryWrite(entry))
        {
            throw new ObjectDisposedException(nameof(BatchedStep<TItem, TResult>), "The service is stopping.");
        }

        return entry.Result.Task;
    }

    private async Task LoopAsync()
    {
        var batch = new List<Entry>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var entry))
            {
                if (entry.Cancellation.IsCancellationRequested)
                {
                    entry.Result.TrySetCanceled(entry.Cancellation);
                }
                else
                {
                    batch.Add(entry);
                }
            }

            if (batch.Count > 0)
            {
                await RunBatchAsync(batch);
            }
        }
    }

    private async Task RunBatchAsync(List<Entry> batch)
    {
        using var activity = _activities.StartActivity(_name, ActivityKind.Internal, parentContext: default,
            tags: [new("shop.batch.size", batch.Count)],
            links: batch.Where(entry => entry.Caller != default).Select(entry => new ActivityLink(entry.Caller)));
        try
        {
            var results = await _run([.. batch.Select(entry => entry.Item)]);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult(results[i]);
            }
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            foreach (var entry in batch)
            {
                entry.Result.TrySetException(exception);
            }
        }
    }

    /// <summary>Takes no more items and finishes the ones queued.</summary>
    /// <remarks>Not on the caller's context: a host disposed synchronously blocks that context's thread until this is done.</remarks>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private sealed record Entry(TItem Item, TaskCompletionSource<TResult> Result, CancellationToken Cancellation, ActivityContext Caller);
}
