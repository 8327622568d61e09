/** The benchmark's lean SMTP sink (STARTTLS, AUTH, PIPELINING; discards messages) and its latency proxy. */
package org.securemail.bench.sink;
