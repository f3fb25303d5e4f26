package io.taskq.cli.bench;

import java.net.URI;
import java.util.Optional;

/**
 * The taskq under measurement.
 *
 * @param url its root, e.g. http://localhost:8080
 * @param adminKey an admin API key of it
 * @param databaseUrl its database, when known (baseline, PostgreSQL version)
 * @param serverRss its memory, when the bench runs it as a child process
 * @param serverCpu its CPU time, when the bench runs it as a child process
 */
record BenchTarget(URI url, String adminKey, Optional<String> databaseUrl, Optional<RssSampler> serverRss,
    Optional<ServerCpu> serverCpu) {
}
