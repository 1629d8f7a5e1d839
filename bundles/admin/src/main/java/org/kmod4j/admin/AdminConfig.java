package org.kmod4j.admin;

import static org.kmod4j.admin.AdminProperties.CONTROL_SOCKET;
import static org.kmod4j.admin.AdminProperties.DEPLOY_DIR;
import static org.kmod4j.admin.AdminProperties.MODULES_LOAD;
import static org.kmod4j.admin.AdminProperties.NO_SOCKET;
import static org.kmod4j.admin.AdminProperties.OOPS;
import static org.kmod4j.admin.AdminProperties.RESTORE;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.kmod4j.shell.control.ControlProtocol;

/**
 * What the admin bundle does, read from framework properties and, when ConfigAdmin is present,
 * from the configuration of PID {@value AdminProperties#PID} (its values win key by key):
 *
 * <table>
 * <caption>keys</caption>
 * <tr><td>{@value AdminProperties#RESTORE}</td><td>{@code true} (default): restore the modules of the last run
 * from {@code <state dir>/modules.state} and keep that file current; {@code false}: neither</td></tr>
 * <tr><td>{@value AdminProperties#DEPLOY_DIR}</td><td>the hot-deploy folder; unset or empty: none</td></tr>
 * <tr><td>{@value AdminProperties#CONTROL_SOCKET}</td><td>the control socket's path; unset: {@code <state dir>/control.sock};
 * {@code none}: no socket. Only the state directory is guarded by the container's lock: another
 * path must be one no other container uses (a file left there is replaced)</td></tr>
 * <tr><td>{@value AdminProperties#MODULES_LOAD}</td><td>module jars to load at start, after the restore, separated by
 * {@code File.pathSeparator} (Linux's modules-load.d); a module of that name already loaded is left
 * as it is</td></tr>
 * <tr><td>{@value AdminProperties#OOPS}</td><td>{@code true} (default): an uncaught exception prints "Modules linked
 * in:" ({@link ModulesLinkedIn})</td></tr>
 * </table>
 *
 * <p>The state directory is not configured here: it is the container's (the
 * {@code kmod4j.state.dir} property of its {@code ModuleContainer} service), the one its lock holds.
 */
record AdminConfig(boolean restore, Path deployDir, String controlSocket, List<Path> modulesLoad, boolean oops) {

    /** Every key, for ConfigAdmin's dictionary. */
    static final List<String> KEYS = List.of(RESTORE, DEPLOY_DIR, CONTROL_SOCKET, MODULES_LOAD, OOPS);

    /**
     * @param lookup a key's value (a String, or for ConfigAdmin also a Boolean or String[]), null if unset
     * @throws IllegalArgumentException for a value that is not one of the documented forms
     */
    static AdminConfig from(Function<String, Object> lookup) {
        String deploy = text(lookup.apply(DEPLOY_DIR));
        return new AdminConfig(bool(lookup, RESTORE), deploy == null ? null : Path.of(deploy).toAbsolutePath().normalize(),
                text(lookup.apply(CONTROL_SOCKET)), paths(lookup.apply(MODULES_LOAD)), bool(lookup, OOPS));
    }

    /** The socket's path for a container on {@code stateDir}, or null for none. */
    Path socket(Path stateDir) {
        if (controlSocket == null) {
            return stateDir.resolve(ControlProtocol.SOCKET);
        }
        return controlSocket.equals(NO_SOCKET) ? null : Path.of(controlSocket).toAbsolutePath().normalize();
    }

    private static boolean bool(Function<String, Object> lookup, String key) {
        Object v = lookup.apply(key);
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        String t = text(v);
        if (t == null || t.equalsIgnoreCase("true")) {
            return true;
        }
        if (t.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(key + " must be true or false, not " + t);
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        String t = String.valueOf(v).trim();
        return t.isEmpty() ? null : t;
    }

    private static List<Path> paths(Object v) {
        List<String> items = new ArrayList<>();
        if (v instanceof String[]) {
            items.addAll(List.of((String[]) v));
        } else if (v != null) {
            items.addAll(List.of(String.valueOf(v).split(File.pathSeparator)));
        }
        List<Path> paths = new ArrayList<>();
        items.stream().map(String::trim).filter(t -> !t.isEmpty()).forEach(t -> paths.add(Path.of(t).toAbsolutePath()));
        return List.copyOf(paths);
    }
}
