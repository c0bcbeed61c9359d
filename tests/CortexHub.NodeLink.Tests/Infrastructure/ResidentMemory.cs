using System.Globalization;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>A process's resident set size, as Linux reports it in <c>/proc/&lt;pid&gt;/status</c>.</summary>
public static class ResidentMemory
{
    public static long OfProcess(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
