using System.Threading.Channels;

namespace Shop.Events.Outbox;

/// <summary>Wakes the relay before its next pass is due, when a request has just committed an event.</summary>
internal sealed class OutboxSignal
{
    // One pending nudge is enough: the pass it starts publishes every event committed before it.
    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Nudge() => _nudges.Writer.TryWrite(true);

    /// <summary>Waits for <paramref name="interval"/> on <paramref name="clock"/>, or for a nudge, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan interval, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tick = Task.Delay(interval, clock, waiting.Token);
        var nudge = _nudges.Reader.WaitToReadAsync(waiting.Token).AsTask();
        await Task.WhenAny(tick, nudge);
        await waiting.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        _nudges.Reader.TryRead(out _);
    }
}
