using System.Reflection;
using System.Runtime.ExceptionServices;
using CortexHub.Grains.Storage;
using CortexHub.Storage;
using CortexHub.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Api.Tests;

/// <summary>
/// A switch that takes a silo's SQLite store down: while <see cref="IsDown"/>, the readiness ping and
/// the pool store throw <see cref="StorageUnavailableException"/>, as the real stores do when the
/// database cannot be reached. Install it with <see cref="Install"/> before the silo starts.
/// </summary>
public sealed class StorageOutage
{
    private volatile bool _down;

    public bool IsDown
    {
        get => _down;
        set => _down = value;
    }

    /// <summary>Registers the wrapped stores first; the composition only adds what is missing.</summary>
    public void Install(TestClusterOptions options) => options.ConfigureServices += services =>
    {
        services.AddSingleton<IStorageBackend>(sp => Wrap<IStorageBackend>(sp.GetRequiredService<SqliteStorageBackend>()));
        services.AddSingleton<IPoolStore>(sp => Wrap<IPoolStore>(ActivatorUtilities.CreateInstance<RelationalPoolStore>(sp)));
    };

    private T Wrap<T>(T inner) where T : class
    {
        var proxy = DispatchProxy.Create<T, Proxy<T>>();
        ((Proxy<T>)(object)proxy).Bind(inner, this);
        return proxy;
    }

    /// <summary>Forwards every call to the real store unless the outage is on.</summary>
    public class Proxy<T> : DispatchProxy where T : class
    {
        private T _inner = null!;
        private StorageOutage _outage = null!;

        internal void Bind(T inner, StorageOutage outage) => (_inner, _outage) = (inner, outage);

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (_outage.IsDown)
            {
                throw new StorageUnavailableException($"Test outage: {typeof(T).Name}.{method!.Name} cannot reach the database.");
            }

            try
            {
                return method!.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(ex.InnerException);
                throw; // not reached
            }
        }
    }
}
