/**
 * What a SecureMail TLS connection may be.
 *
 * <p>{@link org.securemail.policy.TlsPolicy} is the central value: versions, cipher suites, groups, signature
 * schemes, key sizes, trust, client certificate and provider, with the presets
 * {@link org.securemail.policy.TlsPolicy#MODERN MODERN} (the default),
 * {@link org.securemail.policy.TlsPolicy#RESTRICTED RESTRICTED} and
 * {@link org.securemail.policy.TlsPolicy#COMPATIBLE COMPATIBLE}.
 * {@link org.securemail.policy.SecurityMode} names how a mail connection obtains its TLS.
 *
 * <p>This package depends on the JDK only. The rules are enforced by {@code org.securemail.core}.
 */
package org.securemail.policy;
