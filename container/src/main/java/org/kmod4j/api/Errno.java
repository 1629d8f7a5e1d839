package org.kmod4j.api;

/**
 * The errno-like codes a kmod4j operation fails with. Callers branch on the code, never on
 * message text. Numbers and descriptions are those of Linux ({@code strerror}), so kmod's
 * wording ("Device or resource busy") comes out unchanged.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    ESRCH(3, "No such process"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    ENOEXEC(8, "Exec format error"),
    EBADF(9, "Bad file descriptor"),
    /** Also {@code EWOULDBLOCK}: Linux defines them as the same number. */
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    ENODEV(19, "No such device"),
    EINVAL(22, "Invalid argument"),
    EFBIG(27, "File too large"),
    ERANGE(34, "Numerical result out of range"),
    EDEADLK(35, "Resource deadlock avoided"),
    ENAMETOOLONG(36, "File name too long"),
    ELOOP(40, "Too many levels of symbolic links"),
    ETIMEDOUT(110, "Connection timed out"),
    ENOKEY(126, "Required key not available"),
    EKEYREJECTED(129, "Key was rejected by service");

    /** Linux: {@code #define EWOULDBLOCK EAGAIN}. */
    public static final Errno EWOULDBLOCK = EAGAIN;

    private final int number;
    private final String description;

    Errno(int number, String description) {
        this.number = number;
        this.description = description;
    }

    /** The Linux errno value, e.g. 16 for {@link #EBUSY}. */
    public int number() {
        return number;
    }

    /** The {@code strerror} text, e.g. "Device or resource busy". */
    public String description() {
        return description;
    }
}
