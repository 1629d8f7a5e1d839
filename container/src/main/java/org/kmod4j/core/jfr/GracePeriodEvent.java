package org.kmod4j.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: the wait of a module's teardown for the readers of its SRCU domains (its duration). */
@Name("org.kmod4j.GracePeriod")
@Label("Grace Period")
@Category("kmod4j")
@Description("A kmod4j module's teardown waited for the readers of its SRCU domains")
public final class GracePeriodEvent extends jdk.jfr.Event {
    @Label("Module")
    String module;

    @Label("Domains")
    int domains;

    public void commit(String module, int domains) {
        if (shouldCommit()) {
            this.module = module;
            this.domains = domains;
            commit();
        }
    }
}
