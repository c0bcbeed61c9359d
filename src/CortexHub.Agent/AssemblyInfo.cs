using System.Runtime.Versioning;

// The agent is Linux-only: process groups (setsid, kill(-pgid)), prctl, /proc and SIGCHLD.
[assembly: SupportedOSPlatform("linux")]
