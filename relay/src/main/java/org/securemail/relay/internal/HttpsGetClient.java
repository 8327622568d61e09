package org.securemail.relay.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.securemail.core.PolicyEnforcedSocket;
import org.securemail.core.TlsConnector;
import org.securemail.policy.SecurityMode;

/**
 * A small HTTP/1.1 client that makes one GET over TLS under a {@link TlsConnector}'s policy, with hard bounds:
 * one total deadline for connecting, the handshake and reading; a bounded header section; a bounded body read only
 * for status 200. Redirects are never followed. It exists for the MTA-STS policy fetch (RFC 8461 §3.3), where a
 * general HTTP client's redirects, caches, proxies and unbounded reads would all be wrong.
 *
 * <p>Thread-safe: each call opens and closes its own connection.
 */
public final class HttpsGetClient {

    /** Resolves a host name to the addresses to try, in order. */
    @FunctionalInterface
    public interface AddressLookup {
        /**
         * Resolves a host name.
         *
         * @param host the host name
         * @return the addresses to try in order, at least one
         * @throws IOException when the name cannot be resolved
         */
        List<InetAddress> lookup(String host) throws IOException;

        /**
         * Returns the JDK's resolver.
         *
         * @return a lookup through {@link InetAddress#getAllByName(String)}
         */
        static AddressLookup system() {
            return host -> List.of(InetAddress.getAllByName(host));
        }
    }

    /** The largest header section accepted, in bytes. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;

    private final TlsConnector connector;
    private final AddressLookup lookup;
    private final int port;
    private final Duration deadline;
    private final int maxBodyBytes;

    /**
     * Creates a client.
     *
     * @param connector makes and checks the TLS connection
     * @param lookup resolves the host name
     * @param port the port to connect to, 443 in production
     * @param deadline the total time a GET may take, connection and handshake included
     * @param maxBodyBytes the largest body accepted
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the port, deadline or size is out of range
     */
    public HttpsGetClient(TlsConnector connector, AddressLookup lookup, int port, Duration deadline, int maxBodyBytes) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        Objects.requireNonNull(deadline, "deadline");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (deadline.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must be positive: " + deadline);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
        }
        this.port = port;
        this.deadline = deadline;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Fetches {@code https://host/path}.
     *
     * @param host the host name, which the certificate must name and SNI carries
     * @param path the absolute path, starting with {@code /}
     * @return the response; its body is read only for status 200
     * @throws org.securemail.core.TlsRefusedException if the server fails the TLS policy (its certificate included)
     * @throws SocketTimeoutException if the deadline passes
     * @throws IOException if the connection fails, or the response is malformed or too large
     */
    public HttpsResponse get(String host, String path) throws IOException {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        long end = System.nanoTime() + deadline.toNanos();
        String where = "https://" + host + (port == 443 ? "" : ":" + port) + path;
        List<InetAddress> addresses = lookup.lookup(host);
        if (addresses.isEmpty()) {
            throw new IOException(where + " host has no address: the lookup returned none");
        }
        Socket plain = connect(addresses, end, where);
        try (PolicyEnforcedSocket tls = connector.layer(plain, host, port, SecurityMode.IMPLICIT_TLS)) {
            tls.setSoTimeout(remainingMillis(end, where));
            tls.startHandshake();
            OutputStream out = tls.getOutputStream();
            String request = "GET " + path + " HTTP/1.1\r\n"
                    + "Host: " + host + (port == 443 ? "" : ":" + port) + "\r\n"
                    + "User-Agent: SecureMail\r\n"
                    + "Accept: text/plain\r\n"
                    + "Connection: close\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new java.io.BufferedInputStream(new DeadlineInputStream(tls, tls.getInputStream(), end,
                    where), 8192);
            return readResponse(in, where);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private Socket connect(List<InetAddress> addresses, long end, String where) throws IOException {
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(address, port), remainingMillis(end, where));
                return socket;
            } catch (IOException e) {
                socket.close();
                if (e instanceof SocketTimeoutException && System.nanoTime() - end >= 0) {
                    throw new SocketTimeoutException(where + " exceeded its deadline of " + deadline.toMillis()
                            + " ms while connecting to " + address.getHostAddress());
                }
                last = e;
            }
        }
        throw new IOException(where + " could not be connected to at " + addresses + ": " + last.getMessage(), last);
    }

    private static int remainingMillis(long end, String where) throws SocketTimeoutException {
        long left = end - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(where + " exceeded its deadline");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(left).toMillis()));
    }

    private HttpsResponse readResponse(InputStream in, String where) throws IOException {
        int[] budget = {MAX_HEADER_BYTES};
        String statusLine = readLine(in, budget, where);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !(parts[0].equals("HTTP/1.1") || parts[0].equals("HTTP/1.0"))
                || !parts[1].matches("[1-9][0-9][0-9]")) {
            throw new IOException(where + " response must begin with an HTTP/1.0 or HTTP/1.1 status line: \""
                    + printable(statusLine) + "\"");
        }
        int status = Integer.parseInt(parts[1]);
        String contentType = null;
        String location = null;
        Long contentLength = null;
        String transferEncoding = null;
        while (true) {
            String line = readLine(in, budget, where);
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new IOException(where + " response header must be \"Name: value\": \"" + printable(line) + "\"");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "content-type":
                    if (contentType != null) {
                        throw new IOException(where + " response must have one Content-Type: found two");
                    }
                    contentType = value;
                    break;
                case "location":
                    location = value;
                    break;
                case "content-length":
                    if (!value.matches("[0-9]{1,18}")) {
                        throw new IOException(where + " Content-Length must be a number: \"" + printable(value) + "\"");
                    }
                    long length = Long.parseLong(value);
                    if (contentLength != null && contentLength != length) {
                        throw new IOException(where + " response must have one Content-Length: found " + contentLength
                                + " and " + length);
                    }
                    contentLength = length;
                    break;
                case "transfer-encoding":
                    transferEncoding = value.toLowerCase(Locale.ROOT);
                    break;
                default:
                    break;
            }
        }
        if (status != 200) {
            return new HttpsResponse(status, contentType, location, new byte[0]);
        }
        byte[] body;
        if (transferEncoding != null) {
            if (contentLength != null) {
                throw new IOException(where + " response must not have both Transfer-Encoding and Content-Length");
            }
            if (!transferEncoding.equals("chunked")) {
                throw new IOException(where + " Transfer-Encoding must be chunked: \"" + printable(transferEncoding)
                        + "\"");
            }
            body = readChunked(in, where);
        } else if (contentLength != null) {
            if (contentLength > maxBodyBytes) {
                throw new IOException(where + " body must be at most " + maxBodyBytes + " bytes: Content-Length is "
                        + contentLength);
            }
            body = in.readNBytes((int) (long) contentLength);
            if (body.length < contentLength) {
                throw new EOFException(where + " body ended after " + body.length + " of " + contentLength + " bytes");
            }
        } else {
            body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge(where);
            }
        }
        return new HttpsResponse(status, contentType, location, body);
    }

    private byte[] readChunked(InputStream in, String where) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] budget = {MAX_HEADER_BYTES};
        while (true) {
            String sizeLine = readLine(in, budget, where);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
            if (!hex.matches("[0-9A-Fa-f]{1,8}")) {
                throw new IOException(where + " chunk size must be hexadecimal: \"" + printable(sizeLine) + "\"");
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                while (!readLine(in, budget, where).isEmpty()) {
                    // trailer fields are read and ignored
                }
                return body.toByteArray();
            }
            if (body.size() + size > maxBodyBytes) {
                throw tooLarge(where);
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new EOFException(where + " chunk ended after " + chunk.length + " of " + size + " bytes");
            }
            body.write(chunk);
            if (!readLine(in, budget, where).isEmpty()) {
                throw new IOException(where + " chunk must end with CRLF");
            }
        }
    }

    private IOException tooLarge(String where) {
        return new IOException(where + " body must be at most " + maxBodyBytes + " bytes: it is longer");
    }

    private static String readLine(InputStream in, int[] budget, String where) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(where + " response ended in its header section");
            }
            if (--budget[0] < 0) {
                throw new IOException(where + " header section must be at most " + MAX_HEADER_BYTES + " bytes");
            }
            if (b == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                return line.toString();
            }
            line.append((char) b);
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "HttpsGetClient{port " + port + ", deadline " + deadline + ", at most " + maxBodyBytes + " bytes, "
                + connector + "}";
    }

    /** Sets the socket's read timeout to what is left of the deadline before each read. */
    private static final class DeadlineInputStream extends FilterInputStream {
        private final Socket socket;
        private final long end;
        private final String where;

        DeadlineInputStream(Socket socket, InputStream in, long end, String where) {
            super(in);
            this.socket = socket;
            this.end = end;
            this.where = where;
        }

        @Override
        public int read() throws IOException {
            arm();
            try {
                return super.read();
            } catch (SocketTimeoutException e) {
                throw expired(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            try {
                return super.read(b, off, len);
            } catch (SocketTimeoutException e) {
                throw expired(e);
            }
        }

        private SocketTimeoutException expired(SocketTimeoutException e) {
            SocketTimeoutException t = new SocketTimeoutException(where + " exceeded its deadline while reading the"
                    + " response");
            t.initCause(e);
            return t;
        }

        private void arm() throws IOException {
            socket.setSoTimeout(remainingMillis(end, where));
        }
    }
}
