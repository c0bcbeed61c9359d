namespace CortexHub.Grpc;

/// <summary>Checks of service and method names, which become the request path.</summary>
internal static class GrpcNames
{
    public static string MethodPath(string serviceName, string methodName) => "/" + serviceName + "/" + methodName;

    public static void ValidateServiceName(string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        if (!IsValidName(serviceName, allowDots: true))
        {
            throw new ArgumentException(
                $"Service name '{serviceName}' is not valid: use letters, digits, '_' and '.' (for example 'cortexhub.v1.NodeLink').",
                nameof(serviceName));
        }
    }

    public static void ValidateMethodName(string methodName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(methodName);
        if (!IsValidName(methodName, allowDots: false))
        {
            throw new ArgumentException(
                $"Method name '{methodName}' is not valid: use letters, digits and '_'.", nameof(methodName));
        }
    }

    private static bool IsValidName(string name, bool allowDots)
    {
        if (name[0] == '.' || name[^1] == '.')
        {
            return false;
        }

        foreach (var c in name)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowDots && c == '.');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
