package org.securemail.bench;

import java.io.IOException;

/** The harness's view of the sink: its counters, read between rounds. */
interface Sink {
    /**
     * Reads the sink's counters.
     *
     * @return the counters
     * @throws IOException if the sink is gone
     */
    SinkCounters counters() throws IOException;

    /** A sink for workloads that do not use the SMTP sink (P5): no counters. */
    Sink NONE = () -> new SinkCounters(-1, -1, -1, "-", "");
}
