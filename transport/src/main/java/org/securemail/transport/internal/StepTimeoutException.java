package org.securemail.transport.internal;

import java.net.SocketTimeoutException;

/**
 * A step of a mail connection (connecting, a command and its reply, the message content) passed its deadline, or a
 * write blocked past the write timeout: the connection was closed. A {@link SocketTimeoutException}, so that TLS
 * layers and Angus Mail pass it on as the timeout it is.
 */
final class StepTimeoutException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    StepTimeoutException(String what, Throwable cause) {
        super(what);
        if (cause != null) {
            initCause(cause);
        }
    }
}
