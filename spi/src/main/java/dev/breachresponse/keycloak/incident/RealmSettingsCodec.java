package dev.breachresponse.keycloak.incident;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads realm settings JSON (a whole document: absent fields take the defaults), rejecting unknown keys, wrong
 * types and out-of-range values with a sentence naming the field; writes them back for storage. Pure logic.
 */
public final class RealmSettingsCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Set<String> TOP = Set.of("allowedFactors", "grace", "enrolmentFactor", "noticeText", "remindersEnabled", "hygiene",
            "enforcement", "breakGlass", "breachedPasswords", "userReports", "alerts", "stepUpNotice");

    /** At most this many roles and this many groups in {@code breakGlass}. */
    static final int MAX_BREAK_GLASS = 20;

    private static final Set<String> HYGIENE = Set.of("mfaNudges", "everyDays", "passwordAgeDays");

    static final int MAX_NOTICE_CHARS = 1000;

    static final int MAX_NOTICE_LANGUAGES = 30;

    private RealmSettingsCodec() {
    }

    /** @throws IllegalArgumentException naming the offending field */
    public static RealmSettings read(JsonNode given) {
        if (given == null || !given.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        JsonFields.rejectUnknown(given, TOP, null);
        RealmSettings d = RealmSettings.DEFAULTS;
        ObjectNode asPolicy = MAPPER.createObjectNode();
        if (given.has("allowedFactors")) {
            asPolicy.set("allowedFactors", given.get("allowedFactors"));
        }
        if (given.has("grace")) {
            asPolicy.set("grace", given.get("grace"));
        }
        Policy base = new Policy(true, false, true, d.allowedFactors(), d.grace(),
                new Policy.Reminders(true, List.of(0)), 14, new Policy.OnDeadline(true, true, false));
        Policy p;
        try {
            p = PolicyCodec.read(asPolicy, base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("policy.", ""));
        }
        if (p.allowedFactors().isEmpty()) {
            throw new IllegalArgumentException("allowedFactors must not be empty");
        }
        String enrol = d.enrolmentFactor();
        JsonNode e = given.get("enrolmentFactor");
        if (e != null) {
            if (!e.isTextual() || !Factor.PRIMARY_KEYS.contains(e.textValue())) {
                throw new IllegalArgumentException("enrolmentFactor must be one of " + Factor.PRIMARY_KEYS);
            }
            enrol = e.textValue();
        }
        if (!p.allowedFactors().contains(enrol)) {
            throw new IllegalArgumentException("enrolmentFactor '" + enrol + "' must be one of allowedFactors " + p.allowedFactors());
        }
        Map<String, String> notice = new LinkedHashMap<>();
        JsonNode n = given.get("noticeText");
        if (n != null) {
            if (!n.isObject() || n.size() > MAX_NOTICE_LANGUAGES) {
                throw new IllegalArgumentException("noticeText must be an object of at most " + MAX_NOTICE_LANGUAGES
                        + " entries mapping a language tag (en, de, pt-BR) to text");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!entry.getKey().matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?")) {
                    throw new IllegalArgumentException("noticeText: '" + entry.getKey() + "' is not a language tag such as en or pt-BR");
                }
                JsonNode v = entry.getValue();
                if (!v.isTextual() || v.textValue().isBlank() || v.textValue().length() > MAX_NOTICE_CHARS) {
                    throw new IllegalArgumentException("noticeText." + entry.getKey() + " must be text of 1 to " + MAX_NOTICE_CHARS + " characters");
                }
                notice.put(entry.getKey(), v.textValue());
            }
        }
        boolean reminders = d.remindersEnabled();
        JsonNode r = given.get("remindersEnabled");
        if (r != null) {
            if (!r.isBoolean()) {
                throw new IllegalArgumentException("remindersEnabled must be true or false");
            }
            reminders = r.booleanValue();
        }
        EnforcementMode enforcement = PolicyCodec.enforcement(given.get("enforcement"), d.enforcement(), "enforcement");
        RealmSettings.UserReports userReports = UserReportsCodec.read(given.get("userReports"));
        RealmSettings.Alerts alerts = AlertsCodec.read(given.get("alerts"));
        if (alerts.enabled() && alerts.contact() == null && (userReports.securityContact() == null
                || !AlertsCodec.sendable(userReports.securityContact()))) {
            throw new IllegalArgumentException(userReports.securityContact() == null
                    ? "alerts.enabled needs an address: set alerts.contact or userReports.securityContact"
                    : "alerts.enabled needs an address Keycloak can send to: userReports.securityContact is not one (ASCII, as Keycloak's email sender"
                    + " checks it); set alerts.contact");
        }
        RealmSettings.StepUpNotice stepUpNotice = d.stepUpNotice();
        JsonNode sn = given.get("stepUpNotice");
        if (sn != null) {
            stepUpNotice = sn.isTextual() ? RealmSettings.StepUpNotice.byKey(sn.textValue()) : null;
            if (stepUpNotice == null) {
                throw new IllegalArgumentException("stepUpNotice must be \"page\" (the breach notice on a page of its own once the factor passed)"
                        + " or \"message\" (a message on the page that asks for the factor)");
            }
        }
        return new RealmSettings(p.allowedFactors(), p.grace(), enrol, notice, reminders, hygiene(given.get("hygiene")),
                enforcement, breakGlass(given.get("breakGlass")), BreachedPasswordsCodec.read(given.get("breachedPasswords")),
                userReports, alerts, stepUpNotice);
    }

    private static RealmSettings.BreakGlass breakGlass(JsonNode b) {
        if (b == null) {
            return RealmSettings.BreakGlass.NONE;
        }
        if (!b.isObject()) {
            throw new IllegalArgumentException("breakGlass must be an object such as {\"roles\": [\"emergency-admin\"], \"groups\": [\"/break-glass\"]}");
        }
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("roles") && !k.equals("groups")) {
                throw new IllegalArgumentException("unknown field 'breakGlass." + k + "'; known: [roles, groups]");
            }
        }
        return new RealmSettings.BreakGlass(names(b.get("roles"), "breakGlass.roles", false), names(b.get("groups"), "breakGlass.groups", true));
    }

    /** Role names ({@code role}, {@code clientId/role}) or group paths ({@code /a/b}): 1-255 characters, no duplicates. */
    private static List<String> names(JsonNode v, String where, boolean paths) {
        if (v == null) {
            return List.of();
        }
        if (!v.isArray() || v.size() > MAX_BREAK_GLASS) {
            throw new IllegalArgumentException(where + " must be an array of at most " + MAX_BREAK_GLASS + " names");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (JsonNode e : v) {
            String name = e.isTextual() ? e.textValue().trim() : "";
            boolean ok = !name.isEmpty() && name.length() <= 255 && name.chars().noneMatch(Character::isISOControl)
                    && (!paths || name.startsWith("/"));
            if (!ok) {
                throw new IllegalArgumentException(where + ": '" + e.asText() + "' is not a "
                        + (paths ? "group path such as /break-glass" : "role name such as emergency-admin (a realm role) or clientId/role"));
            }
            out.add(name);
        }
        return List.copyOf(out);
    }

    private static RealmSettings.Hygiene hygiene(JsonNode h) {
        RealmSettings.Hygiene d = RealmSettings.Hygiene.OFF;
        if (h == null) {
            return d;
        }
        if (!h.isObject()) {
            throw new IllegalArgumentException("hygiene must be an object such as {\"mfaNudges\": true, \"everyDays\": 30, \"passwordAgeDays\": 0}");
        }
        JsonFields.rejectUnknown(h, HYGIENE, "hygiene");
        boolean nudges = d.mfaNudges();
        JsonNode n = h.get("mfaNudges");
        if (n != null) {
            if (!n.isBoolean()) {
                throw new IllegalArgumentException("hygiene.mfaNudges must be true or false");
            }
            nudges = n.booleanValue();
        }
        int every = intIn(h, "everyDays", d.everyDays(), 7, 365, "hygiene.everyDays must be a whole number of days from 7 to 365");
        int age = intIn(h, "passwordAgeDays", d.passwordAgeDays(), 0, 3650,
                "hygiene.passwordAgeDays must be 0 (off) or a whole number of days from 30 to 3650");
        if (age > 0 && age < 30) {
            throw new IllegalArgumentException("hygiene.passwordAgeDays must be 0 (off) or a whole number of days from 30 to 3650");
        }
        return new RealmSettings.Hygiene(nudges, every, age);
    }

    private static int intIn(JsonNode parent, String field, int dflt, int min, int max, String sentence) {
        JsonNode v = parent.get(field);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            throw new IllegalArgumentException(sentence);
        }
        return v.intValue();
    }

    public static ObjectNode toJson(RealmSettings s) {
        ObjectNode n = MAPPER.createObjectNode();
        s.allowedFactors().forEach(n.putArray("allowedFactors")::add);
        ObjectNode g = n.putObject("grace");
        g.put("days", s.grace().days());
        g.put("skips", s.grace().skips());
        n.put("enrolmentFactor", s.enrolmentFactor());
        ObjectNode t = n.putObject("noticeText");
        new TreeMap<>(s.noticeText()).forEach(t::put);
        n.put("remindersEnabled", s.remindersEnabled());
        ObjectNode h = n.putObject("hygiene");
        h.put("mfaNudges", s.hygiene().mfaNudges());
        h.put("everyDays", s.hygiene().everyDays());
        h.put("passwordAgeDays", s.hygiene().passwordAgeDays());
        n.put("enforcement", s.enforcement().key);
        ObjectNode b = n.putObject("breakGlass");
        s.breakGlass().roles().forEach(b.putArray("roles")::add);
        s.breakGlass().groups().forEach(b.putArray("groups")::add);
        n.set("breachedPasswords", BreachedPasswordsCodec.toJson(s.breachedPasswords()));
        n.set("userReports", UserReportsCodec.toJson(s.userReports()));
        n.set("alerts", AlertsCodec.toJson(s.alerts()));
        n.put("stepUpNotice", s.stepUpNotice().key);
        return n;
    }

    /** Reads what {@link #toJson} stored; an unreadable document gives the defaults (logged by the caller). */
    public static RealmSettings fromStored(String json) {
        try {
            return read(MAPPER.readTree(json));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("stored realm settings are unreadable", e);
        }
    }
}
