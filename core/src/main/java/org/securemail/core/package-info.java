/**
 * The engine that makes every TLS connection obey a {@link org.securemail.policy.TlsPolicy}.
 *
 * <p>{@link org.securemail.core.TlsEngine} caches one {@link org.securemail.core.TlsConnector} per policy; a connector
 * makes sockets (directly, or through an {@link javax.net.ssl.SSLSocketFactory} for Jakarta Mail) that set every TLS
 * parameter from the policy, verify the server during the handshake, re-check the result afterwards, and record it
 * as a {@link org.securemail.core.Handshake}. A refusal is a {@link org.securemail.core.TlsRefusedException} with a
 * {@link org.securemail.core.TlsRefusalReason}.
 *
 * <p>Logging (SLF4J): one DEBUG line per handshake on the logger {@code org.securemail.core.handshake}. No secret
 * ever appears in a log line, an exception message or a {@code toString()}.
 */
package org.securemail.core;
