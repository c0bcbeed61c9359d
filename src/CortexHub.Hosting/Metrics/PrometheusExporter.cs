using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CortexHub.Hosting.Metrics;

/// <summary>
/// Keeps <see cref="System.Diagnostics.Metrics"/> measurements in memory and renders them in the
/// Prometheus text format (version 0.0.4), the body of the silo's <c>GET /metrics</c>.
/// </summary>
/// <remarks>
/// <para>
/// The exporter listens from the moment it is constructed; measurements made before that are not
/// counted. Resolve it at startup: <see cref="MetricsEndpoint.MapPrometheusMetrics"/> does.
/// </para>
/// <para>
/// Exported meters: names starting with <c>CortexHub.</c>, and <c>System.Runtime</c>. Given the
/// silo's <see cref="IMeterFactory"/>, meters created by another factory (the other silos of a
/// TestCluster, which share the process) are left out; meters made with <c>new Meter(...)</c>
/// belong to the whole process and every silo exports them.
/// </para>
/// <para>
/// Instruments map to Prometheus types as follows. Counter and ObservableCounter: <c>counter</c>.
/// UpDownCounter: <c>gauge</c> holding the sum. Gauge: <c>gauge</c> holding the last value.
/// ObservableUpDownCounter and ObservableGauge: <c>gauge</c>. Histogram: <c>histogram</c> over
/// <see cref="DefaultBuckets"/>. Observable callbacks report current values (an ObservableCounter
/// reports its running total), so every scrape replaces what the previous one read, and a series
/// that a callback stops reporting disappears.
/// </para>
/// <para>
/// Metric names: the instrument name with every character outside <c>[a-zA-Z0-9_:]</c> replaced by
/// <c>_</c>; then <c>_seconds</c> when the unit is <c>s</c>, and <c>_total</c> for counters, each
/// unless already there. Instruments that map to one name are merged when of the same kind; an
/// instrument of another kind is not exported (and logged). Tags become labels sorted by key.
/// </para>
/// </remarks>
public sealed partial class PrometheusExporter : IDisposable
{
    /// <summary>Histogram bucket upper bounds, in the instrument's unit: 1 ms to 10 s for seconds.</summary>
    public static IReadOnlyList<double> DefaultBuckets => Bounds;

    private static readonly double[] Bounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly Dictionary<Type, Kind> Kinds = new()
    {
        [typeof(Counter<>)] = Kind.Counter,
        [typeof(UpDownCounter<>)] = Kind.UpDownCounter,
        [typeof(Gauge<>)] = Kind.Gauge,
        [typeof(Histogram<>)] = Kind.Histogram,
        [typeof(ObservableCounter<>)] = Kind.ObservableCounter,
        [typeof(ObservableUpDownCounter<>)] = Kind.ObservableGauge,
        [typeof(ObservableGauge<>)] = Kind.ObservableGauge,
    };

    private readonly object? _scope;
    private readonly ILogger _logger;
    private readonly MeterListener _listener;
    private readonly Lock _familiesLock = new();
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);

    // One scrape at a time: a scrape clears the observable series, then refills them.
    private readonly Lock _collectLock = new();

    /// <summary>Starts listening.</summary>
    /// <param name="meterFactory">
    /// The silo's meter factory: meters another factory created are not exported. Null exports the
    /// matching meters of every factory.
    /// </param>
    /// <param name="logger">Receives instrument name conflicts and failing observable callbacks.</param>
    public PrometheusExporter(IMeterFactory? meterFactory = null, ILogger<PrometheusExporter>? logger = null)
    {
        _scope = meterFactory;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((Family)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => ((Family)state!).Record((double)value, tags));
        _listener.Start();
    }

    private enum Kind
    {
        Counter,
        UpDownCounter,
        Gauge,
        Histogram,
        ObservableCounter,
        ObservableGauge,
    }

    /// <summary>Reads the observable instruments and renders every metric in the Prometheus text format.</summary>
    public string Collect()
    {
        lock (_collectLock)
        {
            Family[] families;
            lock (_familiesLock)
            {
                families = [.. _families.Values];
            }

            foreach (var family in families)
            {
                if (family.IsObservable)
                {
                    family.Clear();
                }
            }

            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (AggregateException ex)
            {
                // The listener still ran every other callback: export what they reported.
                LogObservationFailed(_logger, ex);
            }

            var text = new StringBuilder();
            foreach (var family in families.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                family.WriteTo(text);
            }

            return text.ToString();
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!IsExported(instrument.Meter) || !Kinds.TryGetValue(GenericDefinition(instrument), out var kind))
        {
            return;
        }

        var name = MetricName(instrument, kind);
        Family? family;
        lock (_familiesLock)
        {
            if (!_families.TryGetValue(name, out family))
            {
                family = new Family(name, kind, instrument.Description);
                _families.Add(name, family);
            }
            else if (family.Kind != kind)
            {
                LogNameConflict(_logger, instrument.Name, instrument.Meter.Name, name);
                return;
            }

            family.Instruments++;
        }

        listener.EnableMeasurementEvents(instrument, family);
    }

    // A disposed meter takes its metrics along once none of its family's instruments remain.
    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        var family = (Family)state!;
        lock (_familiesLock)
        {
            if (--family.Instruments == 0)
            {
                _families.Remove(family.Name);
            }
        }
    }

    private bool IsExported(Meter meter) =>
        (meter.Name.StartsWith("CortexHub.", StringComparison.Ordinal) || meter.Name == "System.Runtime")
        && (_scope is null || meter.Scope is null || ReferenceEquals(meter.Scope, _scope));

    private static Type GenericDefinition(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } type ? type.GetGenericTypeDefinition() : typeof(void);

    private static string MetricName(Instrument instrument, Kind kind)
    {
        var name = Sanitize(instrument.Name, allowColon: true);
        if (instrument.Unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal))
        {
            name += "_seconds";
        }

        if (kind is Kind.Counter or Kind.ObservableCounter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    private static string Sanitize(string name, bool allowColon)
    {
        var text = new StringBuilder(name.Length + 1);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            text.Append('_');
        }

        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        return text.ToString();
    }

    // The series key is the rendered label list (without braces), so a histogram can append "le".
    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }

        var sorted = tags.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var (key, value) in sorted)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(Sanitize(key, allowColon: false)).Append("=\"");
            AppendEscaped(text, LabelValue(value), escapeQuote: true);
            text.Append('"');
        }

        return text.ToString();
    }

    private static string LabelValue(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // HELP text escapes backslash and newline; label values also escape the double quote.
    private static void AppendEscaped(StringBuilder text, string value, bool escapeQuote)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    text.Append(@"\\");
                    break;
                case '\n':
                    text.Append(@"\n");
                    break;
                case '"' when escapeQuote:
                    text.Append("\\\"");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
    }

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    private static void WriteSample(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(Format(value)).Append('\n');
    }

    [LoggerMessage(6001, LogLevel.Warning, "Instrument {Instrument} of meter {Meter} is not exported: metric {Metric} already comes from an instrument of another kind")]
    private static partial void LogNameConflict(ILogger logger, string instrument, string meter, string metric);

    [LoggerMessage(6002, LogLevel.Warning, "Observable instrument callbacks failed during a metrics scrape; the other metrics were exported")]
    private static partial void LogObservationFailed(ILogger logger, Exception exception);

    /// <summary>One exported metric: its series by label list, fed by one or more instruments.</summary>
    private sealed class Family(string name, Kind kind, string? help)
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

        public string Name { get; } = name;

        public Kind Kind { get; } = kind;

        public bool IsObservable => Kind is Kind.ObservableCounter or Kind.ObservableGauge;

        /// <summary>Instruments feeding this family; guarded by the exporter's families lock.</summary>
        public int Instruments { get; set; }

        public void Clear() => _series.Clear();

        // Called on whichever thread made the measurement.
        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var series = _series.GetOrAdd(Labels(tags), static (_, kind) => new Series(kind), Kind);
            switch (Kind)
            {
                case Kind.Gauge:
                    Volatile.Write(ref series.Value, value);
                    break;
                case Kind.Histogram:
                    series.Observe(value);
                    break;
                default:
                    // Observable kinds sum too: within one scrape, for measurements with the same labels.
                    series.Add(value);
                    break;
            }
        }

        public void WriteTo(StringBuilder text)
        {
            var series = _series.ToArray();
            if (series.Length == 0)
            {
                return;
            }

            Array.Sort(series, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            if (!string.IsNullOrEmpty(help))
            {
                text.Append("# HELP ").Append(Name).Append(' ');
                AppendEscaped(text, help, escapeQuote: false);
                text.Append('\n');
            }

            var type = Kind switch
            {
                Kind.Counter or Kind.ObservableCounter => "counter",
                Kind.Histogram => "histogram",
                _ => "gauge",
            };
            text.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
            foreach (var (labels, value) in series)
            {
                if (Kind == Kind.Histogram)
                {
                    WriteHistogram(text, labels, value);
                }
                else
                {
                    WriteSample(text, Name, labels, Volatile.Read(ref value.Value));
                }
            }
        }

        private void WriteHistogram(StringBuilder text, string labels, Series series)
        {
            var (counts, sum) = series.Snapshot();
            var prefix = labels.Length > 0 ? labels + "," : "";
            long cumulative = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                cumulative += counts[i];
                var bound = i < Bounds.Length ? Format(Bounds[i]) : "+Inf";
                WriteSample(text, Name + "_bucket", $"{prefix}le=\"{bound}\"", cumulative);
            }

            WriteSample(text, Name + "_sum", labels, sum);
            WriteSample(text, Name + "_count", labels, cumulative);
        }
    }

    /// <summary>One labelled value: a number, or for histograms the bucket counts and their sum.</summary>
    private sealed class Series(Kind kind)
    {
        /// <summary>The value; for histograms, the sum of observations (then guarded by the bucket array's lock).</summary>
        public double Value;

        // Per bucket, not cumulative; the last one is +Inf. Locked so counts and sum change together.
        private readonly long[]? _buckets = kind == Kind.Histogram ? new long[Bounds.Length + 1] : null;

        public void Add(double value)
        {
            var current = Volatile.Read(ref Value);
            while (true)
            {
                var seen = Interlocked.CompareExchange(ref Value, current + value, current);
                if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
                {
                    return;
                }

                current = seen;
            }
        }

        public void Observe(double value)
        {
            if (double.IsNaN(value))
            {
                return;
            }

            // Upper bounds are inclusive: a value equal to a bound counts in that bound's bucket.
            var index = Array.BinarySearch(Bounds, value);
            lock (_buckets!)
            {
                _buckets[index >= 0 ? index : ~index]++;
                Value += value;
            }
        }

        public (long[] Counts, double Sum) Snapshot()
        {
            lock (_buckets!)
            {
                return ((long[])_buckets.Clone(), Value);
            }
        }
    }
}
