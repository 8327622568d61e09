/**
 * SecureMail's Spring Boot starter: replaces {@code spring-boot-starter-mail}, so that the application's
 * {@code JavaMailSender} sends only under SecureMail's TLS policy, configured from the usual {@code spring.mail.*}
 * keys plus {@code securemail.*} keys ({@link org.securemail.spring.SecureMailProperties}). See docs/spring-boot.md.
 */
package org.securemail.spring;
