package org.kmod4j.shell.control;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;

public class CommandSplitterTest {

    @Test
    public void splitsAtTopLevelSemicolonsAndNewlines() {
        assertEquals(List.of("insmod a.jar greeting=hi", "lsmod", "rmmod hello"),
                CommandSplitter.split("insmod a.jar greeting=hi; lsmod ;\nrmmod hello;;"));
    }

    @Test
    public void keepsQuotedAndBracedSemicolons() {
        assertEquals(List.of("insmod a.jar 'greeting=a;b'", "each [1 2] { echo $it; echo x }", "echo \"x;\\\"y\""),
                CommandSplitter.split("insmod a.jar 'greeting=a;b'; each [1 2] { echo $it; echo x }; echo \"x;\\\"y\""));
    }

    @Test
    public void emptyScriptHasNoCommands() {
        assertEquals(List.of(), CommandSplitter.split("  ; \n "));
    }
}
