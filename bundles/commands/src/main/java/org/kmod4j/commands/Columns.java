package org.kmod4j.commands;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain-text column layout shared by the listing commands: each column has a title, an
 * alignment, a minimum width (kmod's printf widths, e.g. {@code %-19s %8ld}) and the gap before
 * it. The last column is never padded, so lines carry no trailing blanks.
 */
final class Columns {

    enum Align { LEFT, RIGHT }

    private record Column(String title, Align align, int minWidth, String gap) {
    }

    private final List<Column> columns = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    Columns column(String title, Align align, int minWidth, String gap) {
        columns.add(new Column(title, align, minWidth, gap));
        return this;
    }

    Columns row(String... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("expected " + columns.size() + " cells, got " + cells.length);
        }
        rows.add(cells.clone());
        return this;
    }

    /** The header line and the rows, each line ending with a newline. */
    String render() {
        return render(Integer.MAX_VALUE, -1, "");
    }

    /**
     * The header line and the rows, no line wider than {@code maxWidth} if cutting column
     * {@code cut} makes them fit: that column is narrowed (never below its title, nor below
     * the ellipsis plus one character) and its longer cells end in {@code ellipsis}, as Karaf's
     * {@code ShellTable} cuts a column to the terminal width instead of letting lines wrap.
     * Other columns are never cut; if the lines are still too wide they stay as they are.
     */
    String render(int maxWidth, int cut, String ellipsis) {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = Math.max(columns.get(c).minWidth(), columns.get(c).title().length());
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        int total = 0;
        for (int c = 0; c < widths.length; c++) {
            total += widths[c] + (c > 0 ? columns.get(c).gap().length() : 0);
        }
        if (cut >= 0 && cut < widths.length && total > maxWidth) {
            int floor = Math.max(columns.get(cut).title().length(), ellipsis.length() + 1);
            widths[cut] = Math.max(floor, widths[cut] - (total - maxWidth));
        }
        StringBuilder out = new StringBuilder();
        String[] titles = columns.stream().map(Column::title).toArray(String[]::new);
        line(out, titles, widths);
        for (String[] row : rows) {
            String[] cells = row;
            if (cut >= 0 && cut < widths.length && row[cut].length() > widths[cut]) {
                cells = row.clone();
                cells[cut] = row[cut].substring(0, widths[cut] - ellipsis.length()) + ellipsis;
            }
            line(out, cells, widths);
        }
        return out.toString();
    }

    private void line(StringBuilder out, String[] cells, int[] widths) {
        int start = out.length();
        for (int c = 0; c < cells.length; c++) {
            Column column = columns.get(c);
            boolean last = c == cells.length - 1;
            if (c > 0) {
                out.append(column.gap());
            }
            String cell = cells[c];
            int pad = widths[c] - cell.length();
            if (column.align() == Align.RIGHT) {
                out.append(" ".repeat(pad)).append(cell);
            } else {
                out.append(cell);
                if (!last) {
                    out.append(" ".repeat(pad));
                }
            }
        }
        int end = out.length();
        while (end > start && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
        out.append('\n');
    }
}
