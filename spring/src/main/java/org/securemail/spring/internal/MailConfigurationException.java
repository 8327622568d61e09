package org.securemail.spring.internal;

/**
 * A mail setting the starter refuses at startup: the key, why, and what to set instead. The failure analyzer turns it
 * into Spring Boot's "APPLICATION FAILED TO START" report.
 */
public final class MailConfigurationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String problem;
    private final String action;

    /**
     * Creates the exception.
     *
     * @param key the property, e.g. {@code spring.mail.properties.mail.smtp.ssl.trust}
     * @param problem what is wrong with it
     * @param action what to set instead
     * @param cause what SecureMail's builder said, or null
     */
    public MailConfigurationException(String key, String problem, String action, Throwable cause) {
        super(key + " " + problem + "; " + action, cause);
        this.key = key;
        this.problem = problem;
        this.action = action;
    }

    /** @return the property that was refused */
    public String key() {
        return key;
    }

    /** @return what is wrong with the setting */
    public String problem() {
        return problem;
    }

    /** @return what to set instead */
    public String action() {
        return action;
    }
}
