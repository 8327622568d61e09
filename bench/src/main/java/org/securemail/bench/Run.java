package org.securemail.bench;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What every workload gets: the options, the sink and the target that points at it, a scratch directory, and
 * where to print progress.
 *
 * @param options the command line
 * @param sink the sink, for its counters
 * @param target the sink's STARTTLS port with the credentials
 * @param proxyPort the latency proxy's port (0 when there is none)
 * @param rttMillis the latency proxy's round-trip time
 * @param scratch a directory deleted after the run
 * @param log where progress goes
 */
record Run(Options options, Sink sink, SmtpTarget target, int proxyPort, int rttMillis, Path scratch, PrintStream log) {
}
