// Each test here runs real silo processes (each hosting an Orleans silo), nodes and often nginx
// and a PostgreSQL under load. Run side by side on a 2-core machine they starved each other past
// any sensible deadline (a silo taking over a minute to start); one at a time they finish sooner
// than that alone.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
