package org.securemail.examples;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * An authoritative DNS server on 127.0.0.1 over UDP for the examples' tests: answers from fixed, unsigned records,
 * NODATA for another type at a known name, NXDOMAIN for any other name (both with the zone's SOA record, when given),
 * and records every question it was asked.
 */
final class LoopbackDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<Name, List<Record>> zone = new HashMap<>();
    private final List<String> questions = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private LoopbackDns(List<Record> records) throws SocketException {
        for (Record r : records) {
            zone.computeIfAbsent(r.getName(), n -> new CopyOnWriteArrayList<>()).add(r);
        }
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    static LoopbackDns start(Record... records) throws SocketException {
        return new LoopbackDns(List.of(records));
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    /** The questions asked so far, as {@code name TYPE}. */
    List<String> questions() {
        return List.copyOf(questions);
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                byte[] reply = answer(new Message(Arrays.copyOf(packet.getData(), packet.getLength()))).toWire();
                socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                // A malformed query gets no answer; the resolver times out, as against a real server.
            }
        }
    }

    private Message answer(Message query) {
        Record question = query.getQuestion();
        questions.add(question.getName() + " " + Type.string(question.getType()));
        Message reply = new Message(query.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            reply.getHeader().setFlag(Flags.RD);
        }
        reply.addRecord(question, Section.QUESTION);
        List<Record> atName = zone.get(question.getName());
        if (atName == null) {
            reply.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            atName.stream().filter(r -> r.getType() == question.getType())
                    .forEach(r -> reply.addRecord(r, Section.ANSWER));
        }
        if (reply.getSection(Section.ANSWER).isEmpty()) {
            // A negative answer carries the zone's SOA, as an authoritative server's does (RFC 2308).
            zone.values().stream().flatMap(List::stream).filter(r -> r.getType() == Type.SOA)
                    .filter(r -> question.getName().subdomain(r.getName()))
                    .forEach(r -> reply.addRecord(r, Section.AUTHORITY));
        }
        return reply;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join();
    }
}
