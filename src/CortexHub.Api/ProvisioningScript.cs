using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CortexHub.Api;

/// <summary>
/// The shell script a new node runs: checks for the .NET runtime, installs the reference agent
/// from this hub's <c>/agent/cortex-agent.tar.gz</c> and starts it against this hub as a systemd
/// unit when run as root on a systemd machine (unless <c>CORTEX_AGENT_NO_SERVICE</c> is set), else
/// in the background with its log next to it. Built only after everything it
/// needs exists, so a failure is an HTTP error, never an error string inside the script.
/// </summary>
public sealed class ProvisioningScript(IOptions<ApiOptions> options, IHubAddresses addresses)
{
    public string AgentCommand(HttpRequest request, string nodeId, IReadOnlyDictionary<string, string> labels)
    {
        var command = new StringBuilder($"cortex-agent --hub {Quote(GrpcAddress(request))} --node-id {Quote(nodeId)}");
        foreach (var (key, value) in labels)
        {
            command.Append($" --label {Quote(key + "=" + value)}");
        }

        return command.ToString();
    }

    public string Create(HttpRequest request, string nodeId, string token, IReadOnlyDictionary<string, string> labels)
    {
        var hub = GrpcAddress(request);
        var http = $"{request.Scheme}://{request.Host}";
        var labelArgs = string.Concat(labels.Select(l => $" --label {Quote(l.Key + "=" + l.Value)}"));
        return $$"""
            #!/usr/bin/env bash
            # CortexHub node provisioning for node {{nodeId}}: installs the reference agent and starts it against {{hub}}.
            # The token below is shown once; keep this script private.
            set -euo pipefail
            NODE_ID={{Quote(nodeId)}}
            HUB={{Quote(hub)}}
            export CORTEX_AGENT_TOKEN={{Quote(token)}}
            PREFIX="${CORTEX_AGENT_PREFIX:-$HOME/.cortex-agent}"

            command -v dotnet >/dev/null || { echo "cortex-agent needs the .NET 10 runtime (dotnet) on PATH" >&2; exit 1; }
            mkdir -p "$PREFIX"
            command -v curl >/dev/null || { echo "provisioning needs curl" >&2; exit 1; }
            curl -fsS -o "$PREFIX/agent.tar.gz" {{Quote(http + "/agent/cortex-agent.tar.gz")}} \
              || { echo "could not download the agent from {{http}}/agent/cortex-agent.tar.gz" >&2; exit 1; }
            tar -xzf "$PREFIX/agent.tar.gz" -C "$PREFIX"
            pkill -f "$PREFIX/cortex-agent.dll --hub $HUB --node-id $NODE_ID" 2>/dev/null || true

            AGENT=(dotnet "$PREFIX/cortex-agent.dll" --hub "$HUB" --node-id "$NODE_ID"{{labelArgs}})
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
              systemctl daemon-reload && systemctl enable --now cortex-agent
              echo "cortex-agent running as a systemd service"
            else
              nohup "${AGENT[@]}" >"$PREFIX/agent.log" 2>&1 &
              echo "cortex-agent started (pid $!), log: $PREFIX/agent.log"
            fi

            """;
    }

    /// <summary>The gRPC address nodes use: configured, else this request's host on the gRPC port.</summary>
    private string GrpcAddress(HttpRequest request) =>
        options.Value.PublicGrpcAddress ?? $"{addresses.GrpcAddress.Scheme}://{request.Host.Host}:{addresses.GrpcAddress.Port}";

    /// <summary>Single-quotes for bash (a quote inside becomes '\'').</summary>
    internal static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
