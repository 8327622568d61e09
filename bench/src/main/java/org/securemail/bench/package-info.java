/**
 * The benchmark harness (never deployed): SecureMail against raw Angus Mail, side by side, against an SMTP sink in
 * its own JVM. {@link org.securemail.bench.Bench} is the entry point; {@code SecureMailClients} and
 * {@code RawAngusClients} hold every contender.
 */
package org.securemail.bench;
