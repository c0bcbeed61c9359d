using System.Runtime.Versioning;

// Like the agent under test: Linux only (/proc, process groups).
[assembly: SupportedOSPlatform("linux")]
