using System.Diagnostics.Metrics;
using CortexHub.Storage;

namespace CortexHub.Benchmarks;

/// <summary>Counts storage round trips (meter CortexHub.Storage) for the whole benchmark process.</summary>
public static class OperationCounter
{
    private static MeterListener? _listener;
    private static long _total;

    public static long Total => Interlocked.Read(ref _total);

    public static void Start()
    {
        if (_listener is not null)
        {
            return;
        }

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == StorageMetrics.MeterName && instrument.Name == "cortexhub.storage.operations")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }
}
