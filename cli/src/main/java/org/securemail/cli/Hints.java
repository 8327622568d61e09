package org.securemail.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the advice in the library's messages for someone at the command line: the library tells a programmer to
 * call {@code mode(SecurityMode.IMPLICIT_TLS)} or {@code TrustSource.pinnedKeys("sha256/...")}; the tool's user typed
 * flags, so the advice names the flags ({@code --mode implicit}, {@code --pin sha256/...}). The library's own
 * messages are not changed; only what the tool prints.
 */
final class Hints {
    private Hints() {
    }

    private static final String SECRET_OPTIONS = "--password-env VAR, --password-file FILE or --oauth2-token-file FILE";

    /** Rewrites, most specific first. */
    private static final List<Rewrite> REWRITES = List.of(
            literal("mode(SecurityMode.IMPLICIT_TLS)", "--mode implicit"),
            literal("mode(SecurityMode.STARTTLS_REQUIRED)", "--mode starttls"),
            literal("mode(SecurityMode.STARTTLS_OPPORTUNISTIC)", "--mode opportunistic"),
            regex("TrustSource\\.pinnedKeys\\(\"(sha256/[A-Za-z0-9+/=]+)\"\\)", "--pin $1"),
            literal("TrustSource.pinnedKeys(...)", "--pin sha256/..."),
            literal("TlsPolicy.builder().trust(TrustSource.pem(...))", "--trust-pem FILE"),
            literal("TrustSource.pem(...) or TrustSource.keyStore(...)", "--trust-pem FILE"),
            literal("TrustSource.pemFile(...)", "--trust-pem FILE"),
            literal("TrustSource.pem(...)", "--trust-pem FILE"),
            literal("raise the read timeout with timeouts(...)", "raise the timeout with --timeout (e.g. --timeout 2m)"),
            literal("timeouts(Timeouts.of(connect, read, write))", "--timeout DURATION"),
            literal("timeouts(...)", "--timeout DURATION"),
            literal("configure credentials(...)", "give --user with " + SECRET_OPTIONS),
            literal("credentials(Credentials.password(...)) or credentials(Credentials.oauth2(...))",
                    "--user with " + SECRET_OPTIONS),
            literal("credentials(...)", "--user with " + SECRET_OPTIONS),
            literal("Credentials.password(...)", "--password-env VAR or --password-file FILE"),
            literal("Credentials.oauth2(...)", "--oauth2-token-file FILE"),
            literal("configure TlsPolicy.clientCertificate(...) with a certificate the server trusts",
                    "present a client certificate the server trusts, which the securemail tool cannot do (an"
                            + " application sets one in its TlsPolicy)"),
            literal("configure TlsPolicy.clientCertificate(...)", "present a client certificate, which the securemail"
                    + " tool cannot do (an application sets one in its TlsPolicy)"),
            literal("(TlsPolicy.clientCertificate(...))", "(the client certificate in the application's TlsPolicy)"),
            literal("TlsProvider.JDK", "--provider jdk"),
            literal("TlsProvider.BOUNCY_CASTLE", "--provider bc"),
            literal("the port may expect STARTTLS (587, 143, 110) rather than implicit TLS (465, 993, 995)",
                    "the port may expect STARTTLS (587, 143, 110) rather than implicit TLS (465, 993, 995): try"
                            + " --mode starttls"),
            literal("`securemail probe`", "securemail probe"));

    /**
     * Returns the message with the library's Java advice replaced by the tool's flags.
     *
     * @param message a library message, or null
     * @return the message for the command line, or null
     */
    static String forCli(String message) {
        if (message == null) {
            return null;
        }
        String m = message;
        for (Rewrite r : REWRITES) {
            m = r.apply(m);
        }
        return m;
    }

    /** One rewrite. */
    private static final class Rewrite {
        final Pattern pattern;
        final String replacement;

        Rewrite(Pattern pattern, String replacement) {
            this.pattern = pattern;
            this.replacement = replacement;
        }

        String apply(String s) {
            return pattern.matcher(s).replaceAll(replacement);
        }
    }

    private static Rewrite literal(String text, String replacement) {
        return new Rewrite(Pattern.compile(Pattern.quote(text)), Matcher.quoteReplacement(replacement));
    }

    private static Rewrite regex(String regex, String replacement) {
        return new Rewrite(Pattern.compile(regex), replacement);
    }
}
