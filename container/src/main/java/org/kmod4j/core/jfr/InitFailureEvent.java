package org.kmod4j.core.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: a module's init failed (an instant event). */
@Name("org.kmod4j.InitFailure")
@Label("Module Init Failure")
@Category("kmod4j")
@Description("A kmod4j module's init failed; the load was rolled back")
public final class InitFailureEvent extends jdk.jfr.Event {
    @Label("Module")
    String module;

    @Label("Errno")
    String errno;

    @Label("Message")
    String message;

    public static void commit(String module, String errno, String message) {
        InitFailureEvent e = new InitFailureEvent();
        if (e.shouldCommit()) {
            e.module = module;
            e.errno = errno;
            e.message = message;
            e.commit();
        }
    }
}
