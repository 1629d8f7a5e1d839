package org.kmod4j.api;

/**
 * The errno-like codes a kmod4j operation fails with. Callers branch on the code, never on
 * message text. Numbers and descriptions are those of Linux ({@code strerror}), so kmod's
 * wording ("Device or resource busy") comes out unchanged.
 */
public enum Errno {
    /** Operation not permitted; a module's init or a notifier may fail a load with it. */
    EPERM(1, "Operation not permitted"),
    /** No such module or file; also a guarded entry or a reference on a module that is going. */
    ENOENT(2, "No such file or directory"),
    /** No such process (kept for modules that report it). */
    ESRCH(3, "No such process"),
    /** A wait (for a load, an unload or a grace period) was interrupted. */
    EINTR(4, "Interrupted system call"),
    /** I/O failed (e.g. the state directory), or a module's init threw something other than a {@link ModuleException}. */
    EIO(5, "Input/output error"),
    /** Not a module jar ("Invalid module format" in kmod's words). */
    ENOEXEC(8, "Exec format error"),
    /** Bad file descriptor (kept for modules that report it). */
    EBADF(9, "Bad file descriptor"),
    /** Also {@code EWOULDBLOCK}: Linux defines them as the same number. */
    EAGAIN(11, "Resource temporarily unavailable"),
    /** Out of memory (kept for modules that report it). */
    ENOMEM(12, "Cannot allocate memory"),
    /** The module jar cannot be read: permission denied. */
    EACCES(13, "Permission denied"),
    /** Busy: the module is still loading, already unloading, or permanent; also {@link Module#enter()} while COMING. */
    EBUSY(16, "Device or resource busy"),
    /** A module of that name is already loaded. */
    EEXIST(17, "File exists"),
    /** No such device: what a driver's init fails with when its hardware (or slot) is taken. */
    ENODEV(19, "No such device"),
    /** Invalid argument: a bad parameter name or value, a malformed header. */
    EINVAL(22, "Invalid argument"),
    /** The jar (or what its signature check would read) is too large. */
    EFBIG(27, "File too large"),
    /** A value is out of range (kept for modules that report it). */
    ERANGE(34, "Numerical result out of range"),
    /** The operation would deadlock: a load or unload started from inside a module load. */
    EDEADLK(35, "Resource deadlock avoided"),
    /** A name is too long (kept for modules that report it). */
    ENAMETOOLONG(36, "File name too long"),
    /** Too many levels of symbolic links (kept for modules that report it). */
    ELOOP(40, "Too many levels of symbolic links"),
    /** A wait timed out, e.g. a module's init ran longer than the configured init timeout. */
    ETIMEDOUT(110, "Connection timed out"),
    /** Required key not available (kept for modules that report it). */
    ENOKEY(126, "Required key not available"),
    /** The module's signature was rejected: it is unsigned or untrusted while signatures are enforced. */
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
