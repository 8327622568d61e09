package org.securemail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** What the figures were measured on: CPU, cores, memory, JDK, OS, date, and the load average. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        String cpu = firstLine(Path.of("/proc/cpuinfo"), "model name");
        String mem = firstLine(Path.of("/proc/meminfo"), "MemTotal");
        return String.format(Locale.ROOT, "%d cores (%s), %s RAM; %s %s (%s); %s %s; %s",
                Runtime.getRuntime().availableProcessors(), cpu == null ? "CPU model unknown" : cpu,
                mem == null ? "?" : mem.replaceAll("\\s+", " "), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vendor"),
                System.getProperty("os.name"), System.getProperty("os.version"),
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }

    /** The three load averages from /proc/loadavg, or "unknown". */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min; runnable/total " + f[3] + ")";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String firstLine(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
