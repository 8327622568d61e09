package org.securemail.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What one contender did in one round: operations, wall time, CPU time (of the measuring thread, of the whole client
 * JVM, of the sink), and how many operations resumed a TLS session (P3) or the sink counted as messages.
 *
 * @param ops operations done
 * @param wallNanos elapsed time
 * @param threadCpuNanos CPU time of the thread that did the work, or -1 when several threads did
 * @param processCpuNanos CPU time of the harness JVM (all its threads, GC and JIT included)
 * @param sinkCpuNanos CPU time of the sink JVM, or -1 when not known
 * @param sinkMessages messages the sink accepted during the round, or -1 when not known
 * @param sinkCommands command lines the sink received during the round, or -1 when not known
 * @param resumed how many handshakes resumed a session (P3), or -1
 */
record Sample(int ops, long wallNanos, long threadCpuNanos, long processCpuNanos, long sinkCpuNanos,
              long sinkMessages, long sinkCommands, int resumed) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    double microsPerOp() {
        return wallNanos / 1e3 / ops;
    }

    double opsPerSecond() {
        return ops / (wallNanos / 1e9);
    }

    Sample withSink(long cpuNanos, long messages, long commands) {
        return new Sample(ops, wallNanos, threadCpuNanos, processCpuNanos, cpuNanos, messages, commands, resumed);
    }

    static long threadCpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    static long processCpu() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
    }

    /** Work measured around a whole call. */
    interface Work {
        void run() throws Exception;
    }

    /**
     * Measures {@code work} on the calling thread.
     *
     * @param ops how many operations it does
     * @param singleThread whether it runs on this thread alone (then thread CPU time is meaningful)
     * @param work the work
     * @return the sample
     * @throws Exception what the work throws
     */
    static Sample measure(int ops, boolean singleThread, Work work) throws Exception {
        long p0 = processCpu();
        long c0 = threadCpu();
        long t0 = System.nanoTime();
        work.run();
        long t1 = System.nanoTime();
        long c1 = threadCpu();
        long p1 = processCpu();
        return new Sample(ops, t1 - t0, singleThread ? c1 - c0 : -1, p1 - p0, -1, -1, -1, -1);
    }
}
