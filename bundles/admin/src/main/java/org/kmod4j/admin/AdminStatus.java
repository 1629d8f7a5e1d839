package org.kmod4j.admin;

import static org.kmod4j.admin.AdminProperties.LOADED;
import static org.kmod4j.admin.AdminProperties.READY;
import static org.kmod4j.admin.AdminProperties.RESTORED;
import static org.kmod4j.admin.AdminProperties.STARTING;
import static org.kmod4j.admin.AdminProperties.STATE;
import static org.kmod4j.admin.AdminProperties.STATE_DIR;
import static org.kmod4j.admin.AdminProperties.CONTROL_SOCKET;
import static org.kmod4j.admin.AdminProperties.DEPLOY_DIR;

import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.Constants;


/**
 * The service whose properties are the admin bundle's state ({@link AdminProperties}); the
 * object carries nothing else.
 */
final class AdminStatus {

    AdminStatus() {
    }

    static Dictionary<String, Object> starting(Path stateDir) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(Constants.SERVICE_DESCRIPTION, "kmod4j admin: restore, deploy folder, control socket");
        p.put(STATE, STARTING);
        p.put(STATE_DIR, stateDir.toString());
        return p;
    }

    static Dictionary<String, Object> ready(AdminServices services) {
        Dictionary<String, Object> p = starting(services.stateDir());
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
