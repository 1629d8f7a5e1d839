package org.kmod4j.admin;

/**
 * The names of the admin bundle's settings and of the state it publishes, in one place.
 *
 * <p>Settings: framework properties, or the configuration of PID {@link #PID} (ConfigAdmin),
 * whose values win key by key; see {@link AdminConfig} for what each means.
 *
 * <p>State: the properties of the service the bundle registers (class {@code AdminStatus}, which
 * carries nothing else): JDK types only, so a program that cannot link against this bundle (the
 * launcher, which is not a bundle) can wait for it with a filter on {@link #STATE} and read it.
 * Every field here is a compile-time constant, which javac copies into the classes that use it:
 * the launcher compiles against these names without loading this class at run time.
 */
public final class AdminProperties {

    /** ConfigAdmin PID. */
    public static final String PID = "org.kmod4j.admin";

    /** Setting: restore the last run's modules and keep {@code <state dir>/modules.state} current (default true). */
    public static final String RESTORE = "kmod4j.restore";
    /** Setting, and state: the hot-deploy folder (unset: none). */
    public static final String DEPLOY_DIR = "kmod4j.deploy.dir";
    /** Setting, and state: the control socket (setting unset: {@code <state dir>/control.sock}; {@value #NO_SOCKET}: none). */
    public static final String CONTROL_SOCKET = "kmod4j.control.socket";
    /** The {@link #CONTROL_SOCKET} value for no socket. */
    public static final String NO_SOCKET = "none";
    /** Setting: module jars to load at start after the restore, separated by {@code File.pathSeparator}. */
    public static final String MODULES_LOAD = "kmod4j.modules.load";
    /** Setting: print uncaught exceptions as a kernel oops with "Modules linked in:" (default true). */
    public static final String OOPS = "kmod4j.oops";

    /** State: {@link #STARTING} once the container is found, {@link #READY} once everything configured runs. */
    public static final String STATE = "kmod4j.admin.state";
    public static final String STARTING = "starting";
    public static final String READY = "ready";
    /** State: the container's state directory. */
    public static final String STATE_DIR = "kmod4j.state.dir";
    /** State (String[]): the modules restored from the last run. */
    public static final String RESTORED = "kmod4j.admin.restored";
    /** State (String[]): the modules of {@link #MODULES_LOAD} now loaded. */
    public static final String LOADED = "kmod4j.admin.loaded";

    private AdminProperties() {
    }
}
