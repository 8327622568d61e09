package org.securemail.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The harness's command line. */
final class Options {
    /** How long a run takes: FULL for the figures in docs/PERFORMANCE.md, QUICK about a minute, SMOKE seconds. */
    enum Mode {
        FULL, QUICK, SMOKE
    }

    static final List<String> ALL = List.of("P0", "P1", "P2", "P3", "P4", "P5", "PL");

    Mode mode = Mode.FULL;
    Set<String> only = new LinkedHashSet<>(ALL);
    Optional<Path> interop = Optional.empty();
    int rttMillis = 20;
    int roundsOverride;
    boolean sinkNagle;
    Optional<Path> out = Optional.empty();
    int p4Mib;

    static final String USAGE = String.join("\n",
            "usage: bench/run.sh [--quick] [--only P0,P1,...] [--interop WORKDIR/interop.properties] [--rtt-ms N]",
            "                    [--rounds N] [--p4-mib N] [--sink-nagle] [--out FILE]",
            "  --quick       a smoke run of every workload, about a minute (figures are indicative only)",
            "  --only        run only these workloads (P0 P1 P2 P3 P4 P5 PL)",
            "  --interop     the interop environment's properties: P5 runs against its Dovecot (else skipped)",
            "  --rtt-ms      round-trip time of the latency proxy for PL (default 20)",
            "  --rounds      measured rounds for every workload (default: 10 full, 3 quick; P4 3, P5 5)",
            "  --p4-mib      size of P4's attachment in MiB (default 100)",
            "  --sink-nagle  the sink leaves Nagle's algorithm on (default: it sets TCP_NODELAY)",
            "  --out         also write the report as Markdown to FILE (default bench/target/bench-report.md)");

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick":
                    o.mode = Mode.QUICK;
                    break;
                case "--smoke":
                    o.mode = Mode.SMOKE;
                    break;
                case "--only":
                    o.only = new LinkedHashSet<>();
                    for (String w : value(args, ++i, a).split(",")) {
                        String id = w.trim().toUpperCase(Locale.ROOT);
                        if (!ALL.contains(id)) {
                            throw new IllegalArgumentException("--only: unknown workload " + w + "; the workloads are "
                                    + ALL);
                        }
                        o.only.add(id);
                    }
                    break;
                case "--interop":
                    o.interop = Optional.of(Path.of(value(args, ++i, a)));
                    break;
                case "--rtt-ms":
                    o.rttMillis = positive(value(args, ++i, a), a);
                    break;
                case "--rounds":
                    o.roundsOverride = positive(value(args, ++i, a), a);
                    break;
                case "--p4-mib":
                    o.p4Mib = positive(value(args, ++i, a), a);
                    break;
                case "--sink-nagle":
                    o.sinkNagle = true;
                    break;
                case "--out":
                    o.out = Optional.of(Path.of(value(args, ++i, a)));
                    break;
                case "-h":
                case "--help":
                    throw new IllegalArgumentException("");
                default:
                    throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        return o;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String v, String option) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive whole number: " + v);
    }

    /** Picks the value for the mode: full, quick, smoke. */
    int pick(int full, int quick, int smoke) {
        return mode == Mode.FULL ? full : mode == Mode.QUICK ? quick : smoke;
    }

    /** Measured rounds: {@code --rounds} when given. */
    int rounds(int full, int quick, int smoke) {
        return roundsOverride > 0 ? roundsOverride : pick(full, quick, smoke);
    }
}
