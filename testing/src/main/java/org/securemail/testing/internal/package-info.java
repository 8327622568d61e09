/**
 * Fixtures only SecureMail's own tests use (an in-JVM TLS server with exact versions and suites, an
 * {@code openssl s_server} process for weaknesses the JVM will not offer). Not part of the test kit's API: they may
 * change in any release.
 */
package org.securemail.testing.internal;
