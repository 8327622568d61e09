package org.securemail.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Fills a Maildir++ folder of the interop environment's mailbox with generated messages for P5, directly on disk
 * (far faster than APPEND), owned like the mailbox itself so that the rootless Dovecot can index it. INBOX is never
 * touched. A folder already holding exactly the messages asked for is reused.
 */
final class MaildirFolder {
    private MaildirFolder() {
    }

    /**
     * Makes sure the folder holds {@code count} messages.
     *
     * @param maildir the mailbox's Maildir (the one with {@code cur/}, {@code new/}, {@code tmp/})
     * @param folder the folder name (a Maildir++ folder, {@code .name} on disk)
     * @param count how many messages
     * @return whether it was (re)written
     * @throws IOException if it cannot be written
     */
    static boolean fill(Path maildir, String folder, int count) throws IOException {
        if (!Files.isDirectory(maildir.resolve("cur"))) {
            throw new IOException(maildir + " is not a Maildir (no cur/ in it)");
        }
        Path dir = maildir.resolve("." + folder);
        Path marker = dir.resolve("securemail-bench-messages");
        if (Files.exists(marker) && Files.readString(marker).trim().equals(Integer.toString(count))) {
            return false;
        }
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        Object uid = Files.getAttribute(maildir, "unix:uid");
        Object gid = Files.getAttribute(maildir, "unix:gid");
        Path cur = dir.resolve("cur");
        Files.createDirectories(cur);
        Files.createDirectories(dir.resolve("new"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.createFile(dir.resolve("maildirfolder"));
        ZonedDateTime start = ZonedDateTime.of(2026, 1, 1, 8, 0, 0, 0, ZoneOffset.UTC);
        long stamp = start.toEpochSecond();
        for (int i = 1; i <= count; i++) {
            byte[] message = message(i, start.plusMinutes(i));
            String name = stamp + i + ".M" + i + "P1.securemail-bench,S=" + message.length + ":2," + (i % 2 == 0
                    ? "S" : "");
            Path file = cur.resolve(name);
            Files.write(file, message);
            own(file, uid, gid);
        }
        Files.writeString(marker, Integer.toString(count));
        try (DirectoryStream<Path> top = Files.newDirectoryStream(dir)) {
            for (Path p : top) {
                own(p, uid, gid);
            }
        }
        own(dir, uid, gid);
        return true;
    }

    private static void own(Path p, Object uid, Object gid) throws IOException {
        if (!uid.equals(Files.getAttribute(p, "unix:uid")) || !gid.equals(Files.getAttribute(p, "unix:gid"))) {
            Files.setAttribute(p, "unix:uid", uid);
            Files.setAttribute(p, "unix:gid", gid);
        }
    }

    private static byte[] message(int i, ZonedDateTime date) {
        StringBuilder b = new StringBuilder(1400);
        b.append("Return-Path: <sender").append(i % 97).append("@example.test>\r\n");
        b.append("From: Sender ").append(i % 97).append(" <sender").append(i % 97).append("@example.test>\r\n");
        b.append("To: Alice <alice@securemail.test>\r\n");
        b.append("Subject: Benchmark message ").append(i).append(" about invoices and meetings\r\n");
        b.append("Date: ").append(date.format(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)))
                .append("\r\n");
        b.append("Message-ID: <").append(i).append(".bench@example.test>\r\n");
        b.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        for (int line = 0; line < 14; line++) {
            b.append("Line ").append(line).append(" of message ").append(i)
                    .append(": generated text for the IMAP summary benchmark.\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
