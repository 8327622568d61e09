package org.securemail.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.securemail.bench.sink.SmtpSink;

/**
 * The sink running in its own JVM, started with this JVM's {@code java} and class path; it stops when told to or
 * when its standard input closes (the harness died).
 */
final class SinkProcess implements Sink, AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    final int starttlsPort;
    final int implicitPort;
    final int proxyPort;
    final Path caFile;
    final Path log;

    private SinkProcess(Process process, BufferedReader out, Writer in, String ready, Path log) {
        this.process = process;
        this.out = out;
        this.in = in;
        this.log = log;
        int s = 0;
        int i = 0;
        int p = 0;
        Path ca = null;
        for (String field : ready.split(" ")) {
            if (field.startsWith("starttls=")) {
                s = Integer.parseInt(field.substring(9));
            } else if (field.startsWith("implicit=")) {
                i = Integer.parseInt(field.substring(9));
            } else if (field.startsWith("proxy=")) {
                p = Integer.parseInt(field.substring(6));
            } else if (field.startsWith("ca=")) {
                ca = Path.of(field.substring(3));
            }
        }
        this.starttlsPort = s;
        this.implicitPort = i;
        this.proxyPort = p;
        this.caFile = ca;
    }

    /** The JVM options of the sink: a small fixed heap and the serial collector, so that it stays lean. */
    static final List<String> JVM_OPTIONS = List.of("-Xms128m", "-Xmx256m", "-XX:+UseSerialGC");

    static SinkProcess start(Path dir, String user, char[] password, int rttMillis, boolean nagle) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Jvm.java());
        cmd.addAll(JVM_OPTIONS);
        cmd.add("-cp");
        cmd.add(Jvm.classPath());
        cmd.add(SmtpSink.class.getName());
        cmd.add("--dir");
        cmd.add(dir.toString());
        cmd.add("--user");
        cmd.add(user);
        if (rttMillis > 0) {
            cmd.add("--rtt-ms");
            cmd.add(Integer.toString(rttMillis));
        }
        if (nagle) {
            cmd.add("--nagle");
        }
        Path log = dir.resolve("sink.log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        in.write(new String(password) + "\n");
        in.flush();
        String ready = out.readLine();
        if (ready == null || !ready.startsWith("READY ")) {
            p.destroyForcibly();
            throw new IOException("the sink did not start (" + ready + "); its log " + log + ": "
                    + (Files.exists(log) ? Files.readString(log) : "none"));
        }
        return new SinkProcess(p, out, in, ready, log);
    }

    @Override
    public synchronized SinkCounters counters() throws IOException {
        in.write("stats\n");
        in.flush();
        String line = out.readLine();
        if (line == null || !line.startsWith("STATS ")) {
            throw new IOException("the sink stopped answering (" + line + "); see " + log);
        }
        return SinkCounters.parse(line.substring(6));
    }

    @Override
    public void close() throws IOException {
        try {
            in.write("stop\n");
            in.close();
        } catch (IOException alreadyGone) {
            // it is stopping anyway
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
