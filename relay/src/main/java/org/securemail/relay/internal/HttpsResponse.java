package org.securemail.relay.internal;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link HttpsGetClient} read: the status, two headers and, for status 200 only, the body.
 */
public final class HttpsResponse {
    private final int status;
    private final String contentType;
    private final String location;
    private final byte[] body;

    HttpsResponse(int status, String contentType, String location, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.location = location;
        this.body = Objects.requireNonNull(body, "body");
    }

    /**
     * Returns the status code.
     *
     * @return the status, 100 to 999
     */
    public int status() {
        return status;
    }

    /**
     * Returns the Content-Type header.
     *
     * @return the value as sent, or empty when there was none
     */
    public Optional<String> contentType() {
        return Optional.ofNullable(contentType);
    }

    /**
     * Returns the Location header, which a redirect carries (and which is never followed).
     *
     * @return the value as sent, or empty when there was none
     */
    public Optional<String> location() {
        return Optional.ofNullable(location);
    }

    /**
     * Returns the body.
     *
     * @return a copy of the body; empty unless the status was 200
     */
    public byte[] body() {
        return Arrays.copyOf(body, body.length);
    }

    @Override
    public String toString() {
        return "HttpsResponse{" + status + ", " + contentType + ", " + body.length + " bytes}";
    }
}
