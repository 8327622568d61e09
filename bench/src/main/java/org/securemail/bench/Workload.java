package org.securemail.bench;

/** One workload of the table (P0 to P5, and PL for the latency link). */
interface Workload {
    /** @return P0, P1, ... */
    String id();

    /** @return one line saying what is measured */
    String title();

    /** @return the target, as the issue states it */
    String target();

    /**
     * Runs the workload.
     *
     * @param run the run's context
     * @return the result
     * @throws Exception if it cannot run: the harness reports the failure and goes on with the next workload
     */
    WorkloadResult run(Run run) throws Exception;
}
