package org.securemail.spring.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a refused mail setting at startup: which key, why, and which key to use instead. */
public final class MailConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<MailConfigurationException> {
    /** Creates the analyzer; Spring Boot finds it in META-INF/spring.factories. */
    public MailConfigurationFailureAnalyzer() {
    }

    @Override
    protected FailureAnalysis analyze(Throwable root, MailConfigurationException cause) {
        String description = "SecureMail refused the mail setting " + cause.key() + ": " + cause.problem()
                + ". The starter checks every mail setting at startup, so that a wrong or unsafe one stops the"
                + " application instead of letting it send outside the TLS policy.";
        String action = Character.toUpperCase(cause.action().charAt(0)) + cause.action().substring(1);
        if (!action.contains("docs/")) {
            action += " (see docs/spring-boot.md)";
        }
        return new FailureAnalysis(description, action + ".", cause);
    }
}
