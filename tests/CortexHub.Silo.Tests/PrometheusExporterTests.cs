using System.Diagnostics.Metrics;
using CortexHub.Hosting.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Silo.Tests;

/// <summary>
/// The exporter listens to every matching meter in the process, so each test names its meter
/// uniquely and disposes it, leaving nothing behind for the next test.
/// </summary>
public sealed class PrometheusExporterTests
{
    [Fact]
    public void Counter_WithTags_ExportedAsTotalWithLabelsSortedByKey()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter();
        var counter = meter.CreateCounter<long>("test.requests", description: "Requests served.");

        counter.Add(1, new("b", "y"), new("a", "x"));
        counter.Add(2, new("a", "x"), new("b", "y"));
        counter.Add(5, new("a", "other"), new("b", "y"));
        var text = exporter.Collect();

        Assert.Contains("# HELP test_requests_total Requests served.\n# TYPE test_requests_total counter\n", text);
        Assert.Contains("test_requests_total{a=\"x\",b=\"y\"} 3\n", text);
        Assert.Contains("test_requests_total{a=\"other\",b=\"y\"} 5\n", text);
    }

    [Fact]
    public void UpDownCounterAndGauge_Exported_SumAndLastValue()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter();
        var active = meter.CreateUpDownCounter<int>("test.active");
        var temperature = meter.CreateGauge<double>("test.temperature");

        active.Add(3);
        active.Add(-1);
        temperature.Record(20.5);
        temperature.Record(19.25);
        var text = exporter.Collect();

        Assert.Contains("# TYPE test_active gauge\ntest_active 2\n", text);
        Assert.Contains("# TYPE test_temperature gauge\ntest_temperature 19.25\n", text);
    }

    [Fact]
    public void ObservableGauge_EachScrape_ReadsCurrentValue()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter();
        var age = 1.5;
        meter.CreateObservableGauge("test.oldest.age", () => age, unit: "s", description: "Age of the oldest item.");

        var first = exporter.Collect();
        age = 7;
        var second = exporter.Collect();

        Assert.Contains("# TYPE test_oldest_age_seconds gauge\ntest_oldest_age_seconds 1.5\n", first);
        Assert.Contains("test_oldest_age_seconds 7\n", second);
        Assert.DoesNotContain("test_oldest_age_seconds 1.5", second);
    }

    [Fact]
    public void ObservableGauge_SeriesNoLongerReported_Disappears()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter();
        Measurement<long>[] depths = [new(4, new KeyValuePair<string, object?>("priority", 1)), new(9, new KeyValuePair<string, object?>("priority", 2))];
        meter.CreateObservableGauge("test.depth", () => depths);

        var first = exporter.Collect();
        depths = [new(6, new KeyValuePair<string, object?>("priority", 2))];
        var second = exporter.Collect();

        Assert.Contains("test_depth{priority=\"1\"} 4\n", first);
        Assert.DoesNotContain("priority=\"1\"", second);
        Assert.Contains("test_depth{priority=\"2\"} 6\n", second);
    }

    [Fact]
    public void ObservableCounter_ReportsRunningTotal_NotAddedUpAcrossScrapes()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter();
        meter.CreateObservableCounter("test.bytes", () => 100L);

        exporter.Collect();
        var text = exporter.Collect();

        Assert.Contains("# TYPE test_bytes_total counter\ntest_bytes_total 100\n", text);
    }

    [Fact]
    public void ObservableCallback_Throws_OtherMetricsStillExported()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter();
        meter.CreateObservableGauge<long>("test.broken", (Func<long>)(() => throw new InvalidOperationException("storage gone")));
        meter.CreateObservableGauge("test.working", () => 5L);

        var text = exporter.Collect();

        Assert.Contains("test_working 5\n", text);
        Assert.DoesNotContain("test_broken", text);
    }

    [Fact]
    public void LabelValuesAndHelp_WithQuotesBackslashesAndNewlines_Escaped()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter();
        var counter = meter.CreateCounter<int>("test.escaped", description: "Line one\nline \"two\" \\ end");

        counter.Add(1, new KeyValuePair<string, object?>("reason", "say \"hi\"\nC:\\temp"));
        var text = exporter.Collect();

        Assert.Contains("# HELP test_escaped_total Line one\\nline \"two\" \\\\ end\n", text);
        Assert.Contains("test_escaped_total{reason=\"say \\\"hi\\\"\\nC:\\\\temp\"} 1\n", text);
    }

    [Fact]
    public void Histogram_Observations_CumulativeBucketsSumAndCount()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter();
        var latency = meter.CreateHistogram<double>("test.latency", unit: "s");

        latency.Record(0.5, new KeyValuePair<string, object?>("op", "read"));
        latency.Record(0.25, new KeyValuePair<string, object?>("op", "read"));
        latency.Record(20, new KeyValuePair<string, object?>("op", "read"));
        var text = exporter.Collect();

        Assert.Contains("# TYPE test_latency_seconds histogram\n", text);
        Assert.Contains("test_latency_seconds_bucket{op=\"read\",le=\"0.001\"} 0\n", text);
        Assert.Contains("test_latency_seconds_bucket{op=\"read\",le=\"0.1\"} 0\n", text);
        Assert.Contains("test_latency_seconds_bucket{op=\"read\",le=\"0.25\"} 1\n", text);
        Assert.Contains("test_latency_seconds_bucket{op=\"read\",le=\"0.5\"} 2\n", text);
        Assert.Contains("test_latency_seconds_bucket{op=\"read\",le=\"10\"} 2\n", text);
        Assert.Contains("test_latency_seconds_bucket{op=\"read\",le=\"+Inf\"} 3\n", text);
        Assert.Contains("test_latency_seconds_sum{op=\"read\"} 20.75\n", text);
        Assert.Contains("test_latency_seconds_count{op=\"read\"} 3\n", text);
    }

    [Fact]
    public void Meter_NotNamedCortexHub_Ignored()
    {
        using var other = new Meter("Other.Test." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter();

        other.CreateCounter<long>("test.ignored").Add(1);

        Assert.DoesNotContain("test_ignored", exporter.Collect());
    }

    [Fact]
    public void Meter_FromAnotherSilosFactory_Ignored()
    {
        using var thisSilo = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var otherSilo = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var name = "CortexHub.Test." + Guid.NewGuid().ToString("N");
        using var exporter = new PrometheusExporter(thisSilo.GetRequiredService<IMeterFactory>());

        thisSilo.GetRequiredService<IMeterFactory>().Create(name).CreateCounter<long>("test.calls").Add(1);
        otherSilo.GetRequiredService<IMeterFactory>().Create(name).CreateCounter<long>("test.calls").Add(10);
        var text = exporter.Collect();

        Assert.Contains("test_calls_total 1\n", text);
    }

    [Fact]
    public void Meter_Disposed_ItsMetricsDisappear()
    {
        using var exporter = new PrometheusExporter();
        var meter = NewMeter();
        meter.CreateCounter<long>("test.gone").Add(1);
        Assert.Contains("test_gone_total 1\n", exporter.Collect());

        meter.Dispose();

        Assert.DoesNotContain("test_gone", exporter.Collect());
    }

    [Fact]
    public void Counter_AddedFromManyThreads_CountsEveryMeasurement()
    {
        using var meter = NewMeter();
        using var exporter = new PrometheusExporter();
        var counter = meter.CreateCounter<long>("test.parallel");

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counter.Add(1, new KeyValuePair<string, object?>("shard", "a"));
            }
        });

        Assert.Contains("test_parallel_total{shard=\"a\"} 80000\n", exporter.Collect());
    }

    [Fact]
    public async Task MetricsEndpoint_Get_ServesTextFormat()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddPrometheusMetrics();
        await using var app = builder.Build();
        app.MapPrometheusMetrics();
        var meter = app.Services.GetRequiredService<IMeterFactory>().Create("CortexHub.Test." + Guid.NewGuid().ToString("N"));
        meter.CreateCounter<long>("test.scraped").Add(2);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

            using var response = await http.GetAsync("/metrics");

            response.EnsureSuccessStatusCode();
            Assert.Equal(MetricsEndpoint.ContentType, response.Content.Headers.ContentType?.ToString());
            Assert.Contains("test_scraped_total 2\n", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static Meter NewMeter() => new("CortexHub.Test." + Guid.NewGuid().ToString("N"));
}
