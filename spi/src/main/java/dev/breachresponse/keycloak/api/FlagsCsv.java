package dev.breachresponse.keycloak.api;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.core.StreamingOutput;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.IncidentRowId;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.ListedFlag;

/**
 * The body of {@code GET /incidents/{id}/flags/export}: RFC 4180 CSV (UTF-8, CRLF), header
 * {@value #HEADER}, one flag a row ({@code flaggedAt} ISO-8601 UTC), written while it is read. Jakarta REST writes
 * a {@link StreamingOutput} after the resource method has returned, when the request's transaction is over, so
 * each page of {@value #PAGE} flags is read in its own short transaction ({@link KeycloakModelUtils#runJobInTransactionWithResult})
 * by keyset ({@link IncidentStore#flagsAfter}): memory stays flat whatever the number of flags, and no
 * transaction stays open while the client reads. The caller's rights and the incident are checked before the
 * response is built; the export is not a snapshot (a flag that changes state meanwhile is listed as it was read,
 * never twice). Cells are safe to open in a spreadsheet: see {@link #cell}.
 */
final class FlagsCsv implements StreamingOutput {

    static final String MEDIA_TYPE = "text/csv";

    static final String HEADER = "userId,username,email,state,flaggedAt";

    /** Flags read per transaction. */
    static final int PAGE = 1000;

    private final KeycloakSessionFactory factory;
    private final String realmId;
    private final IncidentRowId incident;
    private final Set<FlagState> states;

    /** Holds no session: only what a fresh transaction needs to find the realm and the incident again. */
    FlagsCsv(KeycloakSessionFactory factory, String realmId, IncidentRowId incident, Set<FlagState> states) {
        this.factory = factory;
        this.realmId = realmId;
        this.incident = incident;
        this.states = states;
    }

    @Override
    public void write(OutputStream output) throws IOException {
        Writer out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 64 * 1024);
        out.write(HEADER);
        out.write("\r\n");
        String after = null;
        List<ListedFlag> page;
        do {
            page = read(after);
            for (ListedFlag f : page) {
                out.write(row(f));
            }
            out.flush();
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1).flag().userId();
            }
        } while (page.size() == PAGE);
    }

    /**
     * One page after {@code afterUserId} in a transaction of its own. A realm deleted meanwhile ends the body with
     * an {@link IOException}: the server then aborts the response, so the client sees a broken download rather
     * than a short file that looks complete.
     */
    private List<ListedFlag> read(String afterUserId) throws IOException {
        List<ListedFlag> page = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            RealmModel realm = s.realms().getRealm(realmId);
            if (realm == null) {
                return null;
            }
            s.getContext().setRealm(realm);
            return s.getProvider(IncidentStore.class).flagsAfter(realm, incident, states, afterUserId, PAGE);
        });
        if (page == null) {
            throw new IOException("the realm was removed during the export");
        }
        return page;
    }

    static String row(ListedFlag f) {
        return cell(f.flag().userId()) + ',' + cell(f.username()) + ',' + cell(f.email()) + ',' + f.flag().state().name()
                + ',' + Json.time(f.flag().flaggedAt()) + "\r\n";
    }

    /**
     * One CSV cell: empty for null; a value starting with {@code = + - @}, a tab or a carriage return gets a
     * leading {@code '}, so a spreadsheet shows it as text instead of running it as a formula (OWASP, CSV
     * injection); a value holding a comma, a double quote, CR or LF is quoted with its quotes doubled (RFC 4180).
     */
    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
