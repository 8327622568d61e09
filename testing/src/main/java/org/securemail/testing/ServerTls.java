package org.securemail.testing;

import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Server-side SSLContexts for test servers, from a {@link TestPki.Issued} identity. */
public final class ServerTls {
    private ServerTls() {
    }

    /**
     * Returns a JDK SSLContext that presents the identity.
     *
     * @param identity the server's key and chain
     * @return the context
     */
    public static SSLContext context(TestPki.Issued identity) {
        try {
            KeyStore ks = identity.keyStore("changeit".toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(ks, "changeit".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the test server's SSLContext: " + e, e);
        }
    }
}
