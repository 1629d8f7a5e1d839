package org.kmod4j.launcher;

import static org.junit.Assert.assertTrue;

import org.junit.Test;

import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/** {@code kmod4j --help} as printed: paths and property names are never split across lines. */
public class HelpTextTest {

    @Test
    public void pathsAndPropertiesStayWhole() {
        String help = new CommandLine(new Main()).getUsageMessage(Ansi.OFF);
        for (String whole : new String[] {"DIR/control.sock", "Default: ./deploy", "kmod4j.modules.dir",
            "Default: ./modules", "--modules-dir=DIR", "modprobe, depmod, dmesg"}) {
            assertTrue("<" + whole + "> in:\n" + help, help.contains(whole));
        }
    }
}
