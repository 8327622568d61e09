package org.securemail.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.securemail.policy.TrustSource;

/**
 * P4's client, one JVM per contender and round (started by {@link P4BigMessage} with a small heap): sends a warm-up
 * message with a 1 MiB attachment, then, after a baseline garbage collection, the message with the big attachment,
 * and prints one {@code RESULT} line: the time, the CPU time of the JVM, the heap growth, or that it ran out of
 * memory.
 *
 * <p>Heap growth is reported twice: the peak of the heap pools over the send (the sum of each pool's peak, garbage
 * included) minus the heap used after the baseline collection, and the most heap still in use after any collection
 * during the send (live data) minus the same baseline.
 */
final class BigMessageChild {
    private BigMessageChild() {
    }

    /**
     * Arguments: contender ({@code raw}, {@code sender}, {@code dropin}), host, port, CA file, user, warm-up file,
     * big file. The password is the first line of standard input.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        try {
            String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            Path caFile = Path.of(args[3]);
            SmtpTarget t = new SmtpTarget(args[1], Integer.parseInt(args[2]), 0,
                    TrustSource.pemFile(caFile).certificates().get(0), caFile, args[4], password.toCharArray());
            Path warm = Path.of(args[5]);
            Path big = Path.of(args[6]);
            SmtpClient client = client(args[0], t);
            client.send(Mail.withAttachment(warm), 0);
            Mail mail = Mail.withAttachment(big);
            List<MemoryPoolMXBean> heap = new ArrayList<>();
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) {
                    heap.add(p);
                }
            }
            AtomicLong maxAfterGc = new AtomicLong(-1);
            AtomicLong notified = new AtomicLong();
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                    if (n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                        GarbageCollectionNotificationInfo info =
                                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                        long used = 0;
                        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                            if (heap.stream().anyMatch(p -> p.getName().equals(e.getKey()))) {
                                used += e.getValue().getUsed();
                            }
                        }
                        maxAfterGc.accumulateAndGet(used, Math::max);
                        synchronized (notified) {
                            notified.incrementAndGet();
                            notified.notifyAll();
                        }
                    }
                }, null, null);
            }
            System.gc();
            System.gc();
            long base = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            waitForNotifications(notified, gcCount());
            maxAfterGc.set(-1);
            long gcsBefore = gcCount();
            long notifiedBefore = notified.get();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            long cpu0 = Sample.processCpu();
            long t0 = System.nanoTime();
            try {
                client.send(mail, 1);
            } catch (OutOfMemoryError e) {
                mail = null;
                System.out.println("RESULT status=oom seconds=" + (System.nanoTime() - t0) / 1e9 + " detail="
                        + String.valueOf(e.getMessage()).replace(' ', '_'));
                System.out.flush();
                System.exit(3);
            }
            long t1 = System.nanoTime();
            long cpu1 = Sample.processCpu();
            long peak = 0;
            for (MemoryPoolMXBean p : heap) {
                peak += p.getPeakUsage().getUsed();
            }
            long gcs = gcCount() - gcsBefore;
            waitForNotifications(notified, notifiedBefore + gcs);
            long live = maxAfterGc.get();
            client.close();
            System.out.println("RESULT status=ok seconds=" + (t1 - t0) / 1e9 + " cpuSeconds=" + (cpu1 - cpu0) / 1e9
                    + " bytes=" + Files.size(big) + " peakGrowth=" + (peak - base) + " liveGrowth="
                    + (live < 0 ? "none" : Long.toString(live - base)) + " gcs=" + gcs + " heapMax="
                    + Runtime.getRuntime().maxMemory());
            System.exit(0);
        } catch (OutOfMemoryError e) {
            System.out.println("RESULT status=oom seconds=0 detail=" + String.valueOf(e.getMessage()).replace(' ', '_')
                    + "_(before_the_send)");
            System.exit(3);
        } catch (Throwable e) {
            System.out.println("RESULT status=error detail=" + String.valueOf(e).replace(' ', '_'));
            e.printStackTrace();
            System.exit(2);
        }
    }

    private static SmtpClient client(String name, SmtpTarget t) {
        switch (name) {
            case "raw":
                return RawAngusClients.reusedConnection(t);
            case "sender":
                return SecureMailClients.pooledSender(t);
            case "dropin":
                return SecureMailClients.dropIn(t);
            default:
                throw new IllegalArgumentException("unknown contender " + name);
        }
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /** GC notifications arrive on another thread: wait (at most 5 s) until all collections so far are reported. */
    private static void waitForNotifications(AtomicLong notified, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        synchronized (notified) {
            long left;
            while (notified.get() < expected && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(notified, left);
            }
        }
    }
}
