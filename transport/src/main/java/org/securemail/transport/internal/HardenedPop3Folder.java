package org.securemail.transport.internal;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.pop3.POP3Folder;

/**
 * A POP3 folder of a {@link HardenedPop3Store}: opening it may open a connection (Angus opens a new one when the
 * store's was closed), so it runs inside a SecureMail connection scope like every other POP3 connection.
 */
public class HardenedPop3Folder extends POP3Folder {
    private final HardenedPop3Store owner;

    HardenedPop3Folder(HardenedPop3Store store, String name) {
        super(store, name);
        this.owner = store;
    }

    @Override
    public synchronized void open(int mode) throws MessagingException {
        owner.forFolder(() -> {
            super.open(mode);
            return null;
        });
    }
}
