package org.securemail.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When the pool asks the server (the thorough check) and when it only looks at the local state. */
class TransportPoolTest {
    private final AtomicInteger opened = new AtomicInteger();
    private final List<Boolean> checks = new ArrayList<>();
    private final List<Integer> closed = new ArrayList<>();
    private boolean healthy = true;

    private TransportPool<Integer> pool(Duration checkAfter) {
        return new TransportPool<>(new TransportPool.Connections<>() {
            @Override
            public Integer open() {
                return opened.incrementAndGet();
            }

            @Override
            public boolean healthy(Integer connection, boolean thorough) {
                checks.add(thorough);
                return healthy;
            }

            @Override
            public void close(Integer connection) {
                closed.add(connection);
            }
        }, 2, Duration.ofMinutes(1), checkAfter, Duration.ofSeconds(1));
    }

    @Test
    void reuseWithinTheThreshold_onlyALocalCheck() throws Exception {
        try (TransportPool<Integer> p = pool(Duration.ofHours(1))) {
            TransportPool.Lease<Integer> first = p.borrow();
            assertThat(first.reused()).isFalse();
            p.release(first, true);
            TransportPool.Lease<Integer> second = p.borrow();
            assertThat(second.reused()).isTrue();
            assertThat(second.connection()).isEqualTo(first.connection());
            assertThat(checks).containsExactly(false);
            p.release(second, true);
        }
    }

    @Test
    void reuseAfterTheThreshold_asksTheServer() throws Exception {
        try (TransportPool<Integer> p = pool(Duration.ZERO)) {
            p.release(p.borrow(), true);
            Thread.sleep(1); // idle for longer than zero
            TransportPool.Lease<Integer> again = p.borrow();
            assertThat(again.reused()).isTrue();
            assertThat(checks).containsExactly(true);
            p.release(again, true);
        }
    }

    @Test
    void unhealthyIdleConnection_closedAndReplaced() throws Exception {
        try (TransportPool<Integer> p = pool(Duration.ofHours(1))) {
            p.release(p.borrow(), true);
            healthy = false;
            TransportPool.Lease<Integer> next = p.borrow();
            assertThat(next.reused()).isFalse();
            assertThat(next.connection()).isEqualTo(2);
            assertThat(closed).containsExactly(1);
            p.release(next, false);
            assertThat(closed).containsExactly(1, 2);
        }
    }
}
