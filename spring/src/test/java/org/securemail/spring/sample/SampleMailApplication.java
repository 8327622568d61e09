package org.securemail.spring.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application exactly as one that used {@code spring-boot-starter-mail} would be written: nothing in it
 * names SecureMail. Its mail goes under SecureMail's policy because the starter replaced Boot's mail starter.
 * {@code application.properties} beside it (test resources) holds the usual {@code spring.mail.*} keys.
 */
@SpringBootApplication
public class SampleMailApplication {
    /**
     * Runs the application.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        SpringApplication.run(SampleMailApplication.class, args);
    }
}
