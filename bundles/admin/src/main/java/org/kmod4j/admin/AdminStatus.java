package org.kmod4j.admin;

import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.Constants;

/**
 * The admin bundle's state, published as the properties of a service of this class, so that
 * whoever cannot link against this bundle (the launcher, which is not a bundle) can wait for it
 * with a filter on {@value #STATE} and read it: plain framework state, JDK types only. The
 * service object carries nothing else.
 */
public final class AdminStatus {

    /** {@value #STARTING} once the container is found, {@value #READY} once restore, loads, deploy folder and socket ran. */
    public static final String STATE = "kmod4j.admin.state";
    public static final String STARTING = "starting";
    public static final String READY = "ready";
    /** The container's state directory. */
    public static final String STATE_DIR = "kmod4j.state.dir";
    /** String[]: the modules restored from the last run. */
    public static final String RESTORED = "kmod4j.admin.restored";
    /** String[]: the modules of kmod4j.modules.load now loaded. */
    public static final String LOADED = "kmod4j.admin.loaded";
    /** The deploy folder watched (absent: none). */
    public static final String DEPLOY_DIR = AdminConfig.DEPLOY_DIR;
    /** The control socket listening (absent: none). */
    public static final String CONTROL_SOCKET = AdminConfig.CONTROL_SOCKET;

    AdminStatus() {
    }

    static Dictionary<String, Object> starting(Path stateDir) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(Constants.SERVICE_DESCRIPTION, "kmod4j admin: restore, deploy folder, control socket");
        p.put(STATE, STARTING);
        p.put(STATE_DIR, stateDir.toString());
        return p;
    }

    static Dictionary<String, Object> ready(Path stateDir, AdminServices services) {
        Dictionary<String, Object> p = starting(stateDir);
        p.put(STATE, READY);
        p.put(RESTORED, array(services.restored()));
        p.put(LOADED, array(services.loaded()));
        if (services.deployDirectory() != null) {
            p.put(DEPLOY_DIR, services.deployDirectory().toString());
        }
        if (services.socket() != null) {
            p.put(CONTROL_SOCKET, services.socket().toString());
        }
        return p;
    }

    private static String[] array(List<String> names) {
        return names.toArray(new String[0]);
    }
}
