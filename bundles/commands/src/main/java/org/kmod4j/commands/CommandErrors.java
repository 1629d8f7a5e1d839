package org.kmod4j.commands;

import java.io.PrintStream;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

/**
 * kmod's error convention: {@code <prog>: ERROR: <message>} on the error stream, then failure.
 * Inside a Gogo session {@code System.err} is the session's error stream (Gogo's ThreadIO).
 */
final class CommandErrors {

    private CommandErrors() {
    }

    /** Prints the error in kmod's words and returns it as a ModuleException for the caller to throw. */
    static ModuleException report(String command, RuntimeException failure) {
        ModuleException error = failure instanceof ModuleException
                ? (ModuleException) failure
                : new ModuleException(Errno.EINVAL, String.valueOf(failure.getMessage()), failure);
        PrintStream err = System.err;
        err.println(command + ": ERROR: " + error.getMessage());
        err.flush();
        return error;
    }

    /** A usage error: printed like kmod does and thrown as EINVAL. */
    static ModuleException usage(String command, String message) {
        return report(command, new ModuleException(Errno.EINVAL, message));
    }
}
