/** Hardened Angus Mail transports, guarded sockets and session wiring; not exported, not API. */
package org.securemail.transport.internal;
