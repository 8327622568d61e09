package org.securemail.bench;

/**
 * What the sink reported at one moment.
 *
 * @param messages messages it accepted so far
 * @param commands command lines it received so far
 * @param cpuNanos its JVM's CPU time so far
 * @param tls handshakes so far by version and suite, e.g. {@code TLSv1.3/TLS_AES_128_GCM_SHA256:12}
 * @param line the whole line, for the log
 */
record SinkCounters(long messages, long commands, long cpuNanos, String tls, String line) {
    /** @return the handshake counts by {@code version/suite} */
    java.util.Map<String, Long> handshakes() {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        if (!tls.equals("-")) {
            for (String entry : tls.split(",")) {
                int colon = entry.lastIndexOf(':');
                m.put(entry.substring(0, colon), Long.parseLong(entry.substring(colon + 1)));
            }
        }
        return m;
    }

    static SinkCounters parse(String line) {
        long messages = -1;
        long commands = -1;
        long cpu = -1;
        String tls = "-";
        for (String field : line.split(" ")) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = field.substring(0, eq);
            String value = field.substring(eq + 1);
            switch (key) {
                case "messages":
                    messages = Long.parseLong(value);
                    break;
                case "commands":
                    commands = Long.parseLong(value);
                    break;
                case "cpuNanos":
                    cpu = Long.parseLong(value);
                    break;
                case "tls":
                    tls = value;
                    break;
                default:
                    break;
            }
        }
        return new SinkCounters(messages, commands, cpu, tls, line);
    }
}
