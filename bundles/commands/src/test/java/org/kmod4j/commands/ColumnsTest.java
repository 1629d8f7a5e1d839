package org.kmod4j.commands;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class ColumnsTest {

    private static Columns lsmodLayout() {
        return new Columns()
                .column("Module", Columns.Align.LEFT, 19, "")
                .column("Size", Columns.Align.RIGHT, 8, " ")
                .column("Used by", Columns.Align.LEFT, 0, "  ")
                .column("State", Columns.Align.LEFT, 0, "  ");
    }

    @Test
    public void headerStartsLikeKmodLsmod() {
        String header = lsmodLayout().render().split("\n")[0];
        assertEquals("Module                  Size  Used by  State", header);
    }

    @Test
    public void rowsAlignAndCarryNoTrailingBlanks() {
        String text = lsmodLayout()
                .row("acpi_cpufreq", "3476", "0", "Live")
                .row("cpufreq", "3978", "1 acpi_cpufreq", "Live")
                .render();
        assertEquals(""
                + "Module                  Size  Used by         State\n"
                + "acpi_cpufreq            3476  0               Live\n"
                + "cpufreq                 3978  1 acpi_cpufreq  Live\n", text);
    }

    @Test
    public void longNamesWidenTheColumn() {
        String text = new Columns()
                .column("Module", Columns.Align.LEFT, 4, "")
                .column("Size", Columns.Align.RIGHT, 4, " ")
                .row("a_rather_long_name", "1")
                .render();
        assertEquals("Module             Size\na_rather_long_name    1\n", text);
    }

    @Test(expected = IllegalArgumentException.class)
    public void rowMustMatchTheColumns() {
        lsmodLayout().row("only", "two");
    }

    @Test
    public void cutNarrowsOnlyTheGivenColumnWithAnEllipsis() {
        String text = lsmodLayout()
                .row("cpufreq", "3978", "2 acpi_cpufreq,pcc_cpufreq", "Live")
                .row("hello", "5004", "0", "Live")
                .render(45, 2, "~");
        assertEquals(""
                + "Module                  Size  Used by   State\n"
                + "cpufreq                 3978  2 acpi_~  Live\n"
                + "hello                   5004  0         Live\n", text);
    }

    @Test
    public void cutNeverGoesBelowTheTitleAndFitsLinesThatAlreadyFit() {
        Columns table = lsmodLayout().row("cpufreq", "3978", "2 acpi_cpufreq,pcc_cpufreq", "Live");
        assertEquals(table.render(), table.render(1000, 2, "~"));
        String narrow = table.render(10, 2, "~");
        assertEquals("cpufreq                 3978  2 acpi~  Live", narrow.split("\n")[1]);
    }
}
