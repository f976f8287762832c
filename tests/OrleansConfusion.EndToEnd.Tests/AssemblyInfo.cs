// The end-to-end tests start several .NET processes, Prometheus and Redis; on 2 cores they run
// one class at a time so that timings (trial lengths, scrape intervals) stay meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
