package org.kmod4j.core.jfr;

import org.kmod4j.api.Taint;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: the container was tainted (an instant event). */
@Name("org.kmod4j.Taint")
@Label("Taint")
@Category("kmod4j")
@Description("The kmod4j container was tainted (forced unload, unsigned module, warning)")
public final class TaintEvent extends jdk.jfr.Event {
    @Label("Taint")
    String taint;

    @Label("Letter")
    char letter;

    @Label("Module")
    String module;

    @Label("Reason")
    String reason;

    public static void commit(Taint taint, String module, String reason) {
        TaintEvent e = new TaintEvent();
        if (e.shouldCommit()) {
            e.taint = taint == null ? null : taint.name();
            e.letter = taint == null ? ' ' : taint.letter();
            e.module = module;
            e.reason = reason;
            e.commit();
        }
    }
}
