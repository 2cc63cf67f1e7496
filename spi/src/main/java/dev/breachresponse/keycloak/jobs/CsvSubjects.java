package dev.breachresponse.keycloak.jobs;

import dev.breachresponse.keycloak.incident.SubjectType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The CSV dialect of a bulk flag body (RFC 4180, one record a line): what the header row decides for every row,
 * and the rows themselves. Whatever the header already dooms (no identifier column, two columns for the same
 * kind, a {@code ?column=} the header lacks, an open quote) is refused with {@link BodyRejected} naming the
 * column; a row's own problems (wrong number of cells, an empty or malformed value) make that row an invalid
 * {@link Subject}.
 * <p>
 * Recognised identifier columns (case-insensitive; spaces, {@code -}, {@code _} and {@code .} ignored):
 * {@code id}; {@code username}, {@code login}, {@code login name}; {@code email}, {@code e-mail},
 * {@code email address}, {@code mail}, {@code primary email}. Other columns are ignored and reported. The
 * delimiter is {@code ;} when the header holds more unquoted semicolons than commas (European Excel), else
 * {@code ,}. A UTF-8 byte order mark and CRLF line ends are accepted; blank lines and rows of empty cells are
 * skipped.
 */
final class CsvSubjects {

    /** Accepted names, normalised (see {@link #normalise}), by the kind of identifier they hold. */
    static final Map<String, SubjectType> NAMES = Map.of(
            "id", SubjectType.ID,
            "username", SubjectType.USERNAME,
            "login", SubjectType.USERNAME,
            "loginname", SubjectType.USERNAME,
            "email", SubjectType.EMAIL,
            "emailaddress", SubjectType.EMAIL,
            "mail", SubjectType.EMAIL,
            "primaryemail", SubjectType.EMAIL);

    static final String ACCEPTED = "id; username, login, login name; email, e-mail, email address, mail, primary email";

    /** Ignored column names reported on the job: at most this many, each clipped. */
    static final int MAX_REPORTED = 20;
    static final int MAX_REPORTED_NAME = 64;

    private final char delimiter;
    private final int width;
    /** Identifier columns by kind (precedence order), as cell indexes. */
    private final Map<SubjectType, Integer> columns;
    private final List<String> ignored;

    private CsvSubjects(char delimiter, int width, Map<SubjectType, Integer> columns, List<String> ignored) {
        this.delimiter = delimiter;
        this.width = width;
        this.columns = columns;
        this.ignored = ignored;
    }

    /**
     * @param header the first line, BOM included if any
     * @param column the {@code ?column=} query parameter (a header name, case-insensitive), or null
     * @throws BodyRejected naming the column when the header cannot serve
     */
    static CsvSubjects header(String header, String column) {
        if (header == null || header.isBlank()) {
            throw new BodyRejected("CSV needs a header row naming an identifier column (" + ACCEPTED + ")", false);
        }
        if (header.startsWith("\uFEFF")) {
            header = header.substring(1);
        }
        char delimiter = delimiter(header);
        List<String> names = split(header, delimiter);
        if (names == null) {
            throw new BodyRejected("The CSV header row has an unclosed quote", false);
        }
        Map<SubjectType, Integer> columns = new EnumMap<>(SubjectType.class);
        List<String> ignored = new ArrayList<>();
        if (column != null) {
            int picked = -1;
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).strip().equalsIgnoreCase(column.strip())) {
                    if (picked >= 0) {
                        throw new BodyRejected("The CSV header has two columns named '" + column + "'", false);
                    }
                    picked = i;
                }
            }
            if (picked < 0) {
                throw new BodyRejected("column: the CSV header has no column '" + column + "' (it has " + list(names) + ")", false);
            }
            SubjectType type = NAMES.get(normalise(names.get(picked)));
            if (type == null) {
                throw new BodyRejected("column: '" + column + "' is not an identifier column; name one of " + ACCEPTED, false);
            }
            columns.put(type, picked);
            for (int i = 0; i < names.size(); i++) {
                if (i != picked) {
                    ignored.add(names.get(i));
                }
            }
        } else {
            Map<SubjectType, String> seen = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                SubjectType type = NAMES.get(normalise(names.get(i)));
                if (type == null) {
                    ignored.add(names.get(i));
                    continue;
                }
                if (columns.containsKey(type)) {
                    throw new BodyRejected("The CSV columns '" + seen.get(type) + "' and '" + names.get(i) + "' both hold " + type.key()
                            + "; pick one with ?column=", false);
                }
                columns.put(type, i);
                seen.put(type, names.get(i));
            }
            if (columns.isEmpty()) {
                throw new BodyRejected("The CSV header " + list(names) + " has no identifier column; accepted names: " + ACCEPTED
                        + " (or pick a column with ?column=)", false);
            }
        }
        return new CsvSubjects(delimiter, names.size(), columns, reported(ignored));
    }

    /** The header's columns that no subject is read from, as reported on the job. */
    List<String> ignored() {
        return ignored;
    }

    /** Data rows seen (not blank), for naming a refused row without storing it. */
    private int rows;

    /**
     * One data row (not blank) to one subject; a row of empty cells (Excel's trailing {@code ;;}) to none. A row
     * that cannot be read is reported as {@code data row N}, never stored as given: it may carry the columns this
     * intake ignores (phone numbers, addresses, hashes from a vendor's dump).
     */
    void row(String line, Consumer<Subject> sink) {
        rows++;
        String named = "data row " + rows;
        List<String> cells = split(line, delimiter);
        if (cells != null && cells.stream().allMatch(String::isBlank)) {
            return;
        }
        if (cells == null) {
            sink.accept(Subject.invalid(named, "row has an unclosed quote (a quoted field may not span lines)"));
            return;
        }
        if (cells.size() != width) {
            sink.accept(Subject.invalid(named, "row has " + cells.size() + " cell(s), the header " + width));
            return;
        }
        Map<SubjectType, String> given = new EnumMap<>(SubjectType.class);
        columns.forEach((type, i) -> {
            if (!cells.get(i).isBlank()) {
                given.put(type, cells.get(i));
            }
        });
        if (given.isEmpty()) {
            sink.accept(Subject.invalid(named, "no identifier: the " + String.join(", ", columns.keySet().stream().map(SubjectType::key).toList())
                    + " cell(s) are empty"));
            return;
        }
        sink.accept(Subject.of(given));
    }

    /** Lower case without spaces, {@code -}, {@code _}, {@code .}: "E-mail Address" → "emailaddress". */
    static String normalise(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_.\\-]", "");
    }

    /** {@code ;} when the header holds more unquoted semicolons than commas, else {@code ,}. */
    static char delimiter(String header) {
        int commas = 0;
        int semicolons = 0;
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == ',') {
                commas++;
            } else if (!quoted && c == ';') {
                semicolons++;
            }
        }
        return semicolons > commas ? ';' : ',';
    }

    private static List<String> reported(List<String> ignored) {
        List<String> out = new ArrayList<>();
        for (String n : ignored) {
            if (out.size() == MAX_REPORTED) {
                out.add("… " + (ignored.size() - MAX_REPORTED) + " more");
                break;
            }
            String clean = n.strip().replaceAll("\\p{Cntrl}", "?");
            out.add(clean.length() > MAX_REPORTED_NAME ? clean.substring(0, MAX_REPORTED_NAME) + "…" : clean);
        }
        return List.copyOf(out);
    }

    private static String list(List<String> names) {
        List<String> shown = names.stream().limit(MAX_REPORTED)
                .map(n -> "'" + (n.length() > MAX_REPORTED_NAME ? n.substring(0, MAX_REPORTED_NAME) + "…" : n) + "'").toList();
        return "[" + String.join(", ", shown) + (names.size() > MAX_REPORTED ? ", …" : "") + "]";
    }

    /** RFC 4180 field splitting of one line; null when a quote is left open. */
    static List<String> split(String line, char delimiter) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == delimiter) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        out.add(cur.toString());
        return out;
    }
}
