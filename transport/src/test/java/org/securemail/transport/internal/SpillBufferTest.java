package org.securemail.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spill buffer gives back exactly what it was given, whatever the sizes of the writes and wherever the chunk
 * boundaries fall; its file is never visible under a name on POSIX systems, and its thread ends with it.
 */
class SpillBufferTest {
    private static final int THRESHOLD = 64 * 1024;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] readBack(SpillBuffer buffer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        buffer.writeTo(out);
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, THRESHOLD - 1, THRESHOLD, THRESHOLD + 1, SpillBuffer.CHUNK - 1, SpillBuffer.CHUNK,
            SpillBuffer.CHUNK + 1, SpillBuffer.CHUNK * SpillBuffer.CHUNKS, SpillBuffer.CHUNK * SpillBuffer.CHUNKS + 7,
            3 * 1024 * 1024 + 5})
    void everySize_readBackExactly_asOftenAsNeeded(int size) throws Exception {
        byte[] data = random(size, size);
        Random pieces = new Random(size + 1L);
        try (SpillBuffer buffer = new SpillBuffer(THRESHOLD)) {
            int off = 0;
            while (off < size) {
                int n = Math.min(size - off, 1 + pieces.nextInt(pieces.nextBoolean() ? 100 : 300_000));
                if (n == 1) {
                    buffer.write(data[off]);
                } else {
                    buffer.write(data, off, n);
                }
                off += n;
            }
            buffer.finish();
            assertThat(buffer.size()).isEqualTo(size);
            assertThat(buffer.spilled()).isEqualTo(size > THRESHOLD);
            assertThat(readBack(buffer)).isEqualTo(data);
            assertThat(readBack(buffer)).isEqualTo(data);
        }
    }

    @Test
    void spilledFile_hasNoNameWhileOpen_onPosix() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        List<Path> before = spillFiles();
        try (SpillBuffer buffer = new SpillBuffer(THRESHOLD)) {
            buffer.write(random(THRESHOLD * 3, 3), 0, THRESHOLD * 3);
            assertThat(buffer.spilled()).isTrue();
            assertThat(buffer.visibleFile()).isNull();
            assertThat(spillFiles()).isEqualTo(before);
            buffer.finish();
            assertThat(spillFiles()).isEqualTo(before);
        }
    }

    @Test
    void closedBeforeFinish_threadEnds_andWritesAfterwardsRefused() throws Exception {
        SpillBuffer buffer = new SpillBuffer(THRESHOLD);
        byte[] data = random(SpillBuffer.CHUNK * 3, 5);
        buffer.write(data, 0, data.length);
        buffer.close();
        assertThatThrownBy(() -> buffer.write(data, 0, 10)).isInstanceOf(IOException.class)
                .hasMessageContaining("already released");
        assertThatThrownBy(() -> buffer.writeTo(new ByteArrayOutputStream())).isInstanceOf(IOException.class);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (spillThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(spillThreads()).isZero();
    }

    @Test
    void finishedAndClosed_threadEnds_fileGone() throws Exception {
        List<Path> before = spillFiles();
        for (int i = 0; i < 20; i++) {
            try (SpillBuffer buffer = new SpillBuffer(THRESHOLD)) {
                byte[] data = random(THRESHOLD + i * 1000, i);
                buffer.write(data, 0, data.length);
                buffer.finish();
                assertThat(readBack(buffer)).isEqualTo(data);
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (spillThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(spillThreads()).isZero();
        assertThat(spillFiles()).isEqualTo(before);
    }

    private static long spillThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("securemail-spill"))
                .count();
    }

    private static List<Path> spillFiles() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("securemail-")
                    && p.getFileName().toString().endsWith(".eml")).sorted().collect(Collectors.toList());
        }
    }
}
