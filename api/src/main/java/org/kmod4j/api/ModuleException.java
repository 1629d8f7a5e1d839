package org.kmod4j.api;

import java.util.Objects;

/**
 * A failed module operation. The {@link #errno()} is the contract; the message is for people
 * and follows the kmod tools' wording ("could not insert module X: Invalid module format",
 * "Module X is in use by: Y").
 */
public class ModuleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    /**
     * @param errno the code callers branch on; never null
     * @param message the message in the kmod tools' wording
     */
    public ModuleException(Errno errno, String message) {
        super(message);
        this.errno = Objects.requireNonNull(errno, "errno");
    }

    /**
     * @param errno the code callers branch on; never null
     * @param message the message in the kmod tools' wording
     * @param cause what made the operation fail
     */
    public ModuleException(Errno errno, String message, Throwable cause) {
        super(message, cause);
        this.errno = Objects.requireNonNull(errno, "errno");
    }

    /** The code callers branch on. */
    public Errno errno() {
        return errno;
    }
}
