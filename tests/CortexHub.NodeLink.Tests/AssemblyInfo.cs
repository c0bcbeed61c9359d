// Every test abuses a real silo's gRPC port and checks that a witness stream and new calls are
// unaffected; run side by side they would measure each other's abuse (and starve a 2-core machine).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
