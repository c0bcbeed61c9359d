using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CortexHub.Api;

/// <summary>
/// The shell script a new node runs: checks for the .NET runtime, installs the reference agent
/// from this hub's <c>/agent/cortex-agent.tar.gz</c> and starts it against this hub as a systemd
/// unit when run as root on a systemd machine (unless <c>CORTEX_AGENT_NO_SERVICE</c> is set), else
/// in the background with its log and PID file next to it. Built only after everything it
/// needs exists, so a failure is an HTTP error, never an error string inside the script.
/// </summary>
/// <remarks>
/// The hub's addresses come from configuration or, failing that, from the connection the request
/// arrived on; never from a request header (Host, X-Forwarded-*), which the caller writes and which
/// would otherwise end up in a script run as root. Every value enters the script single-quoted
/// into a variable and is used only as <c>"$VAR"</c>.
/// </remarks>
public sealed class ProvisioningScript(IOptions<ApiOptions> options, IHubAddresses addresses)
{
    /// <summary>
    /// Pool slots a provisioned node's agent offers unless the request names a number: one, so a
    /// first node takes pool work (the README's quick start submits some) without running much at once.
    /// </summary>
    public const int DefaultPoolSlots = 1;

    /// <summary>Most pool slots a provisioning request may ask for (the gateway refuses more in Hello).</summary>
    public const int MaxPoolSlots = 1024;

    public string AgentCommand(HttpRequest request, string nodeId, IReadOnlyDictionary<string, string> labels, int poolSlots)
    {
        var command = new StringBuilder($"cortex-agent --hub {Quote(GrpcAddress(request))} --node-id {Quote(nodeId)} --pool-slots {poolSlots}");
        foreach (var (key, value) in labels)
        {
            command.Append($" --label {Quote(key + "=" + value)}");
        }

        return command.ToString();
    }

    public string Create(HttpRequest request, string nodeId, string token, IReadOnlyDictionary<string, string> labels, int poolSlots)
    {
        var labelArgs = string.Concat(labels.Select(l => $" --label {Quote(l.Key + "=" + l.Value)}"));
        return $$"""
            #!/usr/bin/env bash
            # CortexHub node provisioning: installs the reference agent and starts it against this hub.
            # The token below is shown once; keep this script private.
            set -euo pipefail
            NODE_ID={{Quote(nodeId)}}
            HUB={{Quote(GrpcAddress(request))}}
            AGENT_URL={{Quote(PublicUrl(request).TrimEnd('/') + AgentArchive.Route)}}
            export CORTEX_AGENT_TOKEN={{Quote(token)}}
            PREFIX="${CORTEX_AGENT_PREFIX:-$HOME/.cortex-agent}"

            command -v dotnet >/dev/null || { echo "cortex-agent needs the .NET 10 runtime (dotnet) on PATH" >&2; exit 1; }
            mkdir -p "$PREFIX"
            command -v curl >/dev/null || { echo "provisioning needs curl" >&2; exit 1; }
            curl -fsS -o "$PREFIX/agent.tar.gz" "$AGENT_URL" || { echo "could not download the agent from $AGENT_URL" >&2; exit 1; }
            tar -xzf "$PREFIX/agent.tar.gz" -C "$PREFIX"

            # Stop the agent an earlier run of this script started from this folder: by the PID it recorded,
            # and only while that PID is still that agent (a PID is reused once its process is gone).
            if [ -f "$PREFIX/agent.pid" ]; then
              OLD_PID=$(cat "$PREFIX/agent.pid")
              case "$OLD_PID" in
                ''|*[!0-9]*) ;;
                *) if ps -o args= -p "$OLD_PID" 2>/dev/null | grep -qF -- "$PREFIX/cortex-agent.dll"; then kill "$OLD_PID" 2>/dev/null || true; fi ;;
              esac
              rm -f "$PREFIX/agent.pid"
            fi

            AGENT=(dotnet "$PREFIX/cortex-agent.dll" --hub "$HUB" --node-id "$NODE_ID" --pool-slots {{poolSlots}}{{labelArgs}})
            if [ -d /run/systemd/system ] && [ "$(id -u)" = 0 ] && [ -z "${CORTEX_AGENT_NO_SERVICE:-}" ]; then
              printf 'CORTEX_AGENT_TOKEN=%s\n' "$CORTEX_AGENT_TOKEN" > /etc/cortex-agent.env && chmod 600 /etc/cortex-agent.env
              cat > /etc/systemd/system/cortex-agent.service <<UNIT
            [Unit]
            Description=CortexHub node agent ($NODE_ID)
            After=network-online.target
            [Service]
            EnvironmentFile=/etc/cortex-agent.env
            ExecStart=${AGENT[*]}
            Restart=always
            [Install]
            WantedBy=multi-user.target
            UNIT
              # restart, not start: an older agent running as this unit stops and the new one takes its place.
              systemctl daemon-reload && systemctl enable cortex-agent && systemctl restart cortex-agent
              echo "cortex-agent running as a systemd service"
            else
              nohup "${AGENT[@]}" >"$PREFIX/agent.log" 2>&1 &
              echo $! > "$PREFIX/agent.pid"
              echo "cortex-agent started (pid $!), log: $PREFIX/agent.log"
            fi

            """;
    }

    /// <summary>The gRPC address nodes use: configured, else the address this request arrived on, on the gRPC port.</summary>
    private string GrpcAddress(HttpRequest request) =>
        options.Value.PublicGrpcAddress ?? new UriBuilder(addresses.GrpcAddress.Scheme, LocalHost(request), addresses.GrpcAddress.Port).Uri.ToString().TrimEnd('/');

    /// <summary>The HTTP URL nodes download from: configured, else the connection's own local address, scheme and port.</summary>
    private string PublicUrl(HttpRequest request) =>
        options.Value.PublicUrl?.AbsoluteUri
        ?? new UriBuilder(request.IsHttps ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, LocalHost(request), request.HttpContext.Connection.LocalPort).Uri.ToString();

    /// <summary>The IP address the connection reached (IPv4 for a dual-stack socket's mapped address).</summary>
    private static string LocalHost(HttpRequest request)
    {
        var local = request.HttpContext.Connection.LocalIpAddress ?? IPAddress.Loopback;
        if (local.IsIPv4MappedToIPv6)
        {
            local = local.MapToIPv4();
        }

        return local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{local}]" : local.ToString();
    }

    /// <summary>Single-quotes for bash (a quote inside becomes '\'').</summary>
    internal static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
