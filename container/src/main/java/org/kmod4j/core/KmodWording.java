package org.kmod4j.core;

import org.kmod4j.api.Errno;

/** The kmod tools' wording of errors, so every layer words a failure the same way. */
public final class KmodWording {

    private KmodWording() {
    }

    /** kmod insmod: {@code could not insert module FILE: WHAT}, with its errno names. */
    public static String insertError(String filename, Errno errno) {
        String what;
        switch (errno) {
            case ENOEXEC: what = "Invalid module format"; break;
            case ENOENT: what = "Unknown symbol in module"; break;
            case ESRCH: what = "Module has wrong symbol version"; break;
            case EINVAL: what = "Invalid parameters"; break;
            default: what = errno.description();
        }
        return "could not insert module " + filename + ": " + what;
    }

    /** kmod rmmod: {@code could not remove module NAME: strerror}. */
    public static String removeError(String name, Errno errno) {
        return "could not remove module " + name + ": " + errno.description();
    }
}
