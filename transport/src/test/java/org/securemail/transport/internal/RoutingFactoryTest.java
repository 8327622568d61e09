package org.securemail.transport.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The shared session's socket factories act only inside a connection SecureMail is opening. */
class RoutingFactoryTest {

    @Test
    void routingFactories_outsideAConnection_refuse() {
        assertThatThrownBy(() -> MailWiring.routingPlainFactory().createSocket())
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("a socket was requested outside a connection SecureMail opened");
        assertThatThrownBy(() -> MailWiring.routingTlsFactory().createSocket(new Socket(), "localhost", 25, true))
                .isInstanceOf(GuardException.class)
                .hasMessageContaining("outside a connection SecureMail opened");
    }
}
