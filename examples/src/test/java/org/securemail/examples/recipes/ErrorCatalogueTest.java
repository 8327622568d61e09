package org.securemail.examples.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.core.TlsRefusalReason;
import org.securemail.core.TlsRefusedException;
import org.securemail.examples.recipes.FailureCatalogue.Provoked;
import org.securemail.examples.recipes.FailureHandling.Next;
import org.securemail.transport.MailFailure;
import org.securemail.transport.MailSecurityException;

/**
 * docs/errors.md against the code: every refusal reason and every public failure type has its section, and every
 * message the page marks "checked" is the one a real failure, provoked on loopback, carries.
 */
class ErrorCatalogueTest {
    private static final Pattern CHECKED = Pattern.compile("\\*\\*Typical message \\(checked\\):\\*\\* `([^`]*)`");

    private static String doc;
    private static Map<String, String> sections;
    private static Map<String, Provoked> provoked;

    @BeforeAll
    static void readDocAndProvokeFailures() throws Exception {
        doc = DocFiles.read("errors.md");
        sections = sections(doc);
        provoked = FailureCatalogue.provokeAll();
    }

    /** The text under each "###" heading, keyed by the heading without backticks, whitespace collapsed. */
    private static Map<String, String> sections(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        String key = null;
        StringBuilder body = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("#")) {
                if (key != null) {
                    result.put(key, body.toString().replaceAll("\\s+", " ").trim());
                }
                key = line.startsWith("### ") ? line.substring(4).replace("`", "").trim() : null;
                body.setLength(0);
            } else if (key != null) {
                body.append(line).append('\n');
            }
        }
        if (key != null) {
            result.put(key, body.toString().replaceAll("\\s+", " ").trim());
        }
        return result;
    }

    @Test
    void everyMailSecurityReason_hasASection() {
        assertThat(sections.keySet()).containsAll(Arrays.stream(MailSecurityException.Reason.values())
                .map(Enum::name).collect(Collectors.toList()));
    }

    @Test
    void everyTlsRefusalReason_hasASection() {
        assertThat(sections.keySet()).containsAll(Arrays.stream(TlsRefusalReason.values())
                .map(Enum::name).collect(Collectors.toList()));
    }

    @Test
    void everyPublicFailureType_hasASection() throws Exception {
        List<Class<?>> types = new ArrayList<>(publicThrowables(MailFailure.class));
        types.addAll(publicThrowables(TlsRefusedException.class));
        assertThat(types).extracting(Class::getSimpleName).contains("MailSecurityException",
                "TransientDeliveryException", "CredentialsRejectedException", "TlsRefusedException");
        for (Class<?> type : types) {
            if (Modifier.isAbstract(type.getModifiers())) {
                assertThat(doc).as("errors.md names %s", type).contains("`" + type.getSimpleName() + "`");
            } else {
                assertThat(sections).as("errors.md has a section for %s", type).containsKey(type.getSimpleName());
            }
        }
    }

    /** The public Throwable types of the package that holds {@code anchor}, read from its classes directory or jar. */
    private static List<Class<?>> publicThrowables(Class<?> anchor) throws Exception {
        Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        String dir = anchor.getPackageName().replace('.', '/');
        List<String> names;
        if (Files.isDirectory(location)) {
            names = classNames(location.resolve(dir));
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + location.toUri()), Map.of())) {
                names = classNames(jar.getPath(dir));
            }
        }
        List<Class<?>> result = new ArrayList<>();
        for (String simple : names) {
            Class<?> c = Class.forName(anchor.getPackageName() + "." + simple);
            if (Modifier.isPublic(c.getModifiers()) && Throwable.class.isAssignableFrom(c)) {
                result.add(c);
            }
        }
        return result;
    }

    private static List<String> classNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$") && !n.equals("package-info.class")
                            && !n.equals("module-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()))
                    .sorted().collect(Collectors.toList());
        }
    }

    @Test
    void everyCheckedMessage_isTheMessageOfTheProvokedFailure() {
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Provoked> p : provoked.entrySet()) {
            String section = sections.get(p.getKey());
            if (section == null) {
                mismatches.add(p.getKey() + ": no section in errors.md");
                continue;
            }
            Matcher m = CHECKED.matcher(section);
            if (!m.find()) {
                mismatches.add(p.getKey() + ": no \"Typical message (checked)\" in its section");
                continue;
            }
            String actual = p.getValue().documentedMessage();
            if (!pattern(m.group(1)).matcher(actual).matches()) {
                mismatches.add(p.getKey() + ":\n  documented: " + m.group(1) + "\n  actual:     " + actual);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void everySectionMarkedChecked_isProvoked() {
        List<String> marked = sections.entrySet().stream().filter(e -> CHECKED.matcher(e.getValue()).find())
                .map(Map.Entry::getKey).collect(Collectors.toList());
        assertThat(provoked.keySet()).containsAll(marked);
    }

    /** A documented message as a pattern: "…" stands for any text, the rest is literal. */
    private static Pattern pattern(String documented) {
        return Pattern.compile(Arrays.stream(documented.split("…", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*?")), Pattern.DOTALL);
    }

    @Test
    void provokedFailures_areTheDocumentedTypes_andSayWhereAndWhetherToRetry() {
        Map<String, String> expectedType = new LinkedHashMap<>();
        for (MailSecurityException.Reason r : MailSecurityException.Reason.values()) {
            expectedType.put(r.name(), "MailSecurityException");
        }
        for (TlsRefusalReason r : TlsRefusalReason.values()) {
            expectedType.put(r.name(), "MailSecurityException");
        }
        expectedType.put("Wrong mode for the port", "PermanentDeliveryException");
        expectedType.put("A step took too long", "TransientDeliveryException");
        expectedType.put("The OAuth 2.0 token supplier failed", "MessagingException");
        for (Map.Entry<String, Provoked> p : provoked.entrySet()) {
            Exception e = p.getValue().failure();
            assertThat(e.getClass().getSimpleName()).as(p.getKey())
                    .isEqualTo(expectedType.getOrDefault(p.getKey(), p.getKey()));
            boolean tlsReason = Arrays.stream(TlsRefusalReason.values()).anyMatch(r -> r.name().equals(p.getKey()));
            if (e instanceof MailSecurityException && tlsReason) {
                assertThat(((MailSecurityException) e).tlsRefusal().orElseThrow().reason().name())
                        .isEqualTo(p.getKey());
            } else if (e instanceof MailSecurityException) {
                assertThat(((MailSecurityException) e).reason().name()).isEqualTo(p.getKey());
            }
            if (e instanceof MailFailure) {
                MailFailure f = (MailFailure) e;
                assertThat(f.endpoint().host()).as(p.getKey()).isEqualTo("localhost");
                boolean retryable = p.getKey().equals("TransientDeliveryException")
                        || p.getKey().equals("A step took too long") || p.getKey().equals("MailConnectionException");
                assertThat(f.isRetryable()).as(p.getKey() + " isRetryable()").isEqualTo(retryable);
            }
        }
    }

    @Test
    void failureHandling_decidesFromTheTypesAlone() {
        Map<String, Next> decided = new LinkedHashMap<>();
        provoked.forEach((k, p) -> decided.put(k, FailureHandling.next((MessagingException) p.failure())));
        assertThat(decided).containsEntry("TransientDeliveryException", Next.RETRY_LATER)
                .containsEntry("A step took too long", Next.RETRY_LATER)
                .containsEntry("MailConnectionException", Next.RETRY_LATER)
                .containsEntry("AmbiguousDeliveryException", Next.CHECK_BEFORE_RETRY)
                .containsEntry("PermanentDeliveryException", Next.FIX_MESSAGE)
                .containsEntry("InvalidMessageException", Next.FIX_MESSAGE)
                .containsEntry("Wrong mode for the port", Next.FIX_CONFIGURATION)
                .containsEntry("CredentialsRejectedException", Next.FIX_CONFIGURATION)
                .containsEntry("The OAuth 2.0 token supplier failed", Next.FIX_CONFIGURATION)
                .containsEntry("STARTTLS_NOT_OFFERED", Next.FIX_CONFIGURATION)
                .containsEntry("CERTIFICATE_UNTRUSTED", Next.FIX_CONFIGURATION);
    }
}
