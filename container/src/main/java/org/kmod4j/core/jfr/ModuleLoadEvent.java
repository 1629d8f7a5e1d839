package org.kmod4j.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: one module load, from the start of the load to LIVE (its duration). */
@Name("org.kmod4j.ModuleLoad")
@Label("Module Load")
@Category("kmod4j")
@Description("A kmod4j module loaded: install, resolve, COMING notifiers and init, until LIVE")
public final class ModuleLoadEvent extends jdk.jfr.Event {
    @Label("Module")
    String module;

    @Label("Version")
    String version;

    @Label("File")
    String file;

    public void commit(String module, String version, String file) {
        if (shouldCommit()) {
            this.module = module;
            this.version = version;
            this.file = file;
            commit();
        }
    }
}
