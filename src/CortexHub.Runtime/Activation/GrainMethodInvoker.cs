using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace CortexHub.Runtime.Activation;

/// <summary>
/// Turns a call on a grain reference into a work item for the grain's mailbox. One invoker per
/// interface method, built once with a compiled expression (no reflection per call).
/// </summary>
internal abstract class GrainMethodInvoker
{
    private static readonly ConcurrentDictionary<MethodInfo, GrainMethodInvoker> Cache = new();

    public abstract object Invoke(GrainProxy proxy, object?[] args);

    public static GrainMethodInvoker For(MethodInfo method) => Cache.GetOrAdd(method, Build);

    /// <summary>Rejects interface methods the runtime cannot call asynchronously, naming the method.</summary>
    public static void Validate(MethodInfo method)
    {
        var returns = method.ReturnType;
        var awaitable = returns == typeof(Task) || returns == typeof(ValueTask) ||
            (returns.IsGenericType && (returns.GetGenericTypeDefinition() == typeof(Task<>) || returns.GetGenericTypeDefinition() == typeof(ValueTask<>)));
        if (!awaitable)
        {
            throw new InvalidOperationException($"Grain method {method.DeclaringType?.Name}.{method.Name} must return Task, Task<T>, ValueTask or ValueTask<T>.");
        }

        if (method.IsGenericMethodDefinition || method.GetParameters().Any(p => p.ParameterType.IsByRef))
        {
            throw new InvalidOperationException($"Grain method {method.DeclaringType?.Name}.{method.Name} may not be generic or take ref/out parameters.");
        }
    }

    private static GrainMethodInvoker Build(MethodInfo method)
    {
        Validate(method);
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var arguments = method.GetParameters().Select((p, i) =>
            Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        var body = Expression.Convert(Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, arguments), typeof(object));
        var call = Expression.Lambda<Func<object, object?[], object>>(body, grain, args).Compile();

        var returns = method.ReturnType;
        if (returns == typeof(Task))
        {
            return new TaskInvoker(call);
        }

        if (returns == typeof(ValueTask))
        {
            return new ValueTaskInvoker(call);
        }

        var definition = returns.GetGenericTypeDefinition() == typeof(Task<>) ? typeof(TaskInvoker<>) : typeof(ValueTaskInvoker<>);
        return (GrainMethodInvoker)Activator.CreateInstance(definition.MakeGenericType(returns.GetGenericArguments()[0]), call)!;
    }

    private sealed class TaskInvoker(Func<object, object?[], object> call) : GrainMethodInvoker
    {
        public override object Invoke(GrainProxy proxy, object?[] args) =>
            proxy.Runtime.InvokeAsync(proxy.Id, proxy.Type, async grain =>
            {
                await (Task)call(grain, args);
                return true;
            });
    }

    private sealed class TaskInvoker<T>(Func<object, object?[], object> call) : GrainMethodInvoker
    {
        public override object Invoke(GrainProxy proxy, object?[] args) =>
            proxy.Runtime.InvokeAsync(proxy.Id, proxy.Type, grain => (Task<T>)call(grain, args));
    }

    private sealed class ValueTaskInvoker(Func<object, object?[], object> call) : GrainMethodInvoker
    {
        public override object Invoke(GrainProxy proxy, object?[] args) =>
            new ValueTask(proxy.Runtime.InvokeAsync(proxy.Id, proxy.Type, async grain =>
            {
                await (ValueTask)call(grain, args);
                return true;
            }));
    }

    private sealed class ValueTaskInvoker<T>(Func<object, object?[], object> call) : GrainMethodInvoker
    {
        public override object Invoke(GrainProxy proxy, object?[] args) =>
            new ValueTask<T>(proxy.Runtime.InvokeAsync(proxy.Id, proxy.Type, grain => ((ValueTask<T>)call(grain, args)).AsTask()));
    }
}
