// The tests run real agents and bash: Linux only, like the rest of the suite.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
