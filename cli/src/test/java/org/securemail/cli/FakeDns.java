package org.securemail.cli;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A tiny authoritative DNS server for the CLI's tests, on 127.0.0.1 with a port picked by the kernel, answering over
 * UDP and TCP from records given in zone file syntax; unsigned, so that with a trust anchor for an unrelated zone
 * every answer validates as insecure. The tool reaches it through {@code --dns-server 127.0.0.1:PORT}.
 */
final class FakeDns implements AutoCloseable {
    private static final Record SOA = parse("test. 300 IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300");

    /** A trust anchor for a zone no test name is under: every answer is outside it, so insecure. */
    static final String UNRELATED_ANCHOR =
            "anchor.invalid. IN DS 12345 13 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n";

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    FakeDns() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        this.tcp = new ServerSocket(0, 50, loopback);
        this.udp = new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()));
        start(this::serveUdp, "fake-dns-udp");
        start(this::serveTcp, "fake-dns-tcp");
    }

    private void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /** @return {@code 127.0.0.1:PORT}, for --dns-server */
    String address() {
        return "127.0.0.1:" + tcp.getLocalPort();
    }

    /** Adds a record, e.g. {@code "example.test. 300 IN MX 10 mx1.example.test."}. */
    FakeDns add(String line) {
        Record r = parse(line);
        records.computeIfAbsent(key(r.getName()), k -> new CopyOnWriteArrayList<>()).add(r);
        return this;
    }

    private static Record parse(String line) {
        try (Master m = new Master(new ByteArrayInputStream(line.getBytes(StandardCharsets.US_ASCII)), Name.root,
                300)) {
            return m.nextRecord();
        } catch (IOException e) {
            throw new IllegalArgumentException(line, e);
        }
    }

    private static String key(Name name) {
        return name.toString(true).toLowerCase(java.util.Locale.ROOT);
    }

    private Message answer(Message query) {
        Record q = query.getQuestion();
        String name = key(q.getName());
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.addRecord(q, Section.QUESTION);
        List<Record> here = records.get(name);
        if (here == null) {
            String suffix = "." + name;
            if (records.keySet().stream().noneMatch(k -> k.endsWith(suffix))) {
                r.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            r.addRecord(SOA, Section.AUTHORITY);
            return r;
        }
        List<Record> matching = new ArrayList<>();
        for (Record rec : here) {
            if (rec.getType() == q.getType()) {
                matching.add(rec);
            }
        }
        matching.forEach(m -> r.addRecord(m, Section.ANSWER));
        if (matching.isEmpty()) {
            r.addRecord(SOA, Section.AUTHORITY); // NODATA
        }
        return r;
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                byte[] out = answer(new Message(Arrays.copyOf(p.getData(), p.getLength()))).toWire(512);
                udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                // closed, or a malformed packet: go on until closed
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.add(s);
            start(() -> serveConnection(s), "fake-dns-tcp-connection");
        }
    }

    private void serveConnection(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (true) {
                byte[] data = new byte[in.readUnsignedShort()];
                in.readFully(data);
                byte[] wire = answer(new Message(data)).toWire();
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            }
        } catch (IOException e) {
            // the client closed the connection, or close() did
        }
    }

    @Override
    public void close() throws InterruptedException {
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
