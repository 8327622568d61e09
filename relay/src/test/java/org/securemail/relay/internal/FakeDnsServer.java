package org.securemail.relay.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A tiny DNS server for tests, on 127.0.0.1 with a port picked by the kernel, answering over UDP and TCP from records
 * given in zone file syntax. It can answer SERVFAIL, stay silent, truncate UDP answers and forge the AD bit, and it
 * records every question it got with the transport it came over.
 */
final class FakeDnsServer implements AutoCloseable {

    /** One question the server received. */
    record Query(String name, int type, boolean tcp) {
    }

    private static final Record SOA;

    static {
        try {
            SOA = parse("test. 300 IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<String> servfail = ConcurrentHashMap.newKeySet();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Set<String> truncated = ConcurrentHashMap.newKeySet();
    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final List<Thread> connectionThreads = new CopyOnWriteArrayList<>();
    private volatile boolean forgeAd;
    private final Thread udpThread;
    private final Thread tcpThread;

    FakeDnsServer() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        this.tcp = new ServerSocket(0, 50, loopback);
        this.udp = new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()));
        this.udpThread = new Thread(this::serveUdp, "fake-dns-udp");
        this.tcpThread = new Thread(this::serveTcp, "fake-dns-tcp");
        udpThread.setDaemon(true);
        tcpThread.setDaemon(true);
        udpThread.start();
        tcpThread.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(tcp.getInetAddress(), tcp.getLocalPort());
    }

    /** Adds a record, e.g. {@code "example.test. 300 IN MX 10 mx1.example.test."}. */
    FakeDnsServer add(String line) {
        try {
            Record r = parse(line);
            records.computeIfAbsent(key(r.getName()), k -> new CopyOnWriteArrayList<>()).add(r);
        } catch (IOException e) {
            throw new IllegalArgumentException(line, e);
        }
        return this;
    }

    private static Record parse(String line) throws IOException {
        try (org.xbill.DNS.Master m = new org.xbill.DNS.Master(
                new java.io.ByteArrayInputStream(line.getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                Name.root, 300)) {
            return m.nextRecord();
        }
    }

    FakeDnsServer servfail(String name) {
        servfail.add(name.toLowerCase());
        return this;
    }

    FakeDnsServer silent(String name) {
        silent.add(name.toLowerCase());
        return this;
    }

    FakeDnsServer truncateOverUdp(String name) {
        truncated.add(name.toLowerCase());
        return this;
    }

    FakeDnsServer forgeAuthenticatedData() {
        forgeAd = true;
        return this;
    }

    List<Query> queries() {
        return List.copyOf(queries);
    }

    private static String key(Name name) {
        return name.toString(true).toLowerCase();
    }

    private Message answer(Message query, boolean overTcp) {
        Record q = query.getQuestion();
        String name = key(q.getName());
        queries.add(new Query(q.getName().toString(true), q.getType(), overTcp));
        if (silent.contains(name)) {
            return null;
        }
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.addRecord(q, Section.QUESTION);
        if (forgeAd) {
            r.getHeader().setFlag(Flags.AD);
        }
        if (servfail.contains(name)) {
            r.getHeader().setRcode(Rcode.SERVFAIL);
            return r;
        }
        if (!overTcp && truncated.contains(name)) {
            r.getHeader().setFlag(Flags.TC);
            return r;
        }
        Name current = q.getName();
        for (int hop = 0; hop < 20; hop++) {
            List<Record> here = records.get(key(current));
            if (here == null) {
                String suffix = "." + key(current);
                if (records.keySet().stream().noneMatch(k -> k.endsWith(suffix))) {
                    r.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                r.addRecord(SOA, Section.AUTHORITY);
                return r;
            }
            List<Record> matching = new ArrayList<>();
            Record cname = null;
            for (Record rec : here) {
                if (rec.getType() == q.getType()) {
                    matching.add(rec);
                } else if (rec.getType() == Type.CNAME) {
                    cname = rec;
                }
            }
            if (!matching.isEmpty() || cname == null) {
                matching.forEach(m -> r.addRecord(m, Section.ANSWER));
                if (matching.isEmpty()) {
                    r.addRecord(SOA, Section.AUTHORITY); // NODATA
                }
                return r;
            }
            r.addRecord(cname, Section.ANSWER);
            current = ((CNAMERecord) cname).getTarget();
            if (!key(current).endsWith(".test")) {
                return r; // out of the fake's "zone": the client asks again
            }
        }
        return r;
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                Message query = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                Message r = answer(query, false);
                if (r != null) {
                    byte[] out = r.toWire(512);
                    udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                }
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
            Thread t = new Thread(() -> serveConnection(s), "fake-dns-tcp-connection");
            t.setDaemon(true);
            connectionThreads.add(t);
            t.start();
        }
    }

    private void serveConnection(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (true) {
                int length = in.readUnsignedShort();
                byte[] data = new byte[length];
                in.readFully(data);
                Message r = answer(new Message(data), true);
                if (r == null) {
                    continue;
                }
                byte[] wire = r.toWire();
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
        udpThread.join();
        tcpThread.join();
        for (Thread t : connectionThreads) {
            t.join();
        }
    }
}
