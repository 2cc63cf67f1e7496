package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test: {@code ./mvnw verify -Pbench -Dit.test=FlaggedLoginBench} (issue 15, goal 5). What the
 * flagged path adds to a browser login beyond Keycloak's own OTP form: three realms on one Keycloak (production mode,
 * PostgreSQL), each with the same users holding a password and a TOTP credential. {@code otp}: Keycloak's browser
 * flow as shipped (username and password, then its conditional OTP form). {@code flagged}: the same, patched by
 * {@code POST .../setup}, every user flagged by an incident with the default policy; a login there is the flagged
 * path (the OTP form's success is the step-up and remediates the flag, then the breach notice's page and its
 * Continue). {@code message}: as {@code flagged}, with the realm's {@code stepUpNotice} "message" (the notice as a
 * message on the OTP form, no page of its own). Each user logs in once per realm (a flag is remediated by its first
 * login; a TOTP code is accepted once per user); the realms take turns, user by user, each first in turn. The login pages are fetched and submitted over HTTP with a fresh cookie
 * jar per login (one connection pool for all); the time is the sum of the requests' round trips on the loopback interface, from
 * the authorization request to the redirect carrying the code. Beside it, the server time of the same requests as
 * Keycloak's own HTTP server measures it (Micrometer's {@code http_server_requests_seconds}, {@code metrics-enabled}; read
 * from the management interface between steps, outside the timed requests): the round trip less the client's and
 * the loopback's share. Prints p50/p95 and the mean of each, per step, and the differences; asserts only that every
 * login took the expected pages and ended with a code.
 */
class FlaggedLoginBench {

    static final int WARMUP = Integer.getInteger("bench.flagged.warmup", 200);
    static final int USERS = Integer.getInteger("bench.flagged.users", 1000);
    static final String SECRET = "bench-totp-secret-0123456789";
    static final String REDIRECT = "http://localhost/bench-callback";
    static final Pattern FORM = Pattern.compile("<form[^>]*id=\"([^\"]+)\"[^>]*action=\"([^\"]+)\"|<form[^>]*action=\"([^\"]+)\"[^>]*id=\"([^\"]+)\"");

    static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static KeycloakProcess kc;

    @BeforeAll
    static void start() throws Exception {
        kc = BenchSupport.server("flagged-bench").option("metrics-enabled", "true");
        kc.start();
    }

    @AfterAll
    static void stop() {
        if (kc != null) {
            kc.close();
        }
    }

    /** The realms, each user logging in once to each in turn: Keycloak's OTP form, the notice as a page, as a message. */
    static final String[] REALMS = {"otp", "flagged", "message"};

    @Test
    void flaggedPathAgainstKeycloaksOtpForm() throws Exception {
        int total = WARMUP + USERS;
        for (String r : REALMS) {
            realm(r, total);
        }
        BreachApi api = flagAll("flagged", total);
        BreachApi message = flagAll("message", total);
        assertEquals(200, message.putJson("/config", "{\"stepUpNotice\":\"message\"}").status());

        BenchSupport.out("configuration: Keycloak %s production mode, %s, 2 cores; browser logins over HTTP (password, TOTP, and in"
                + " the flagged realm the breach notice's page, in the message realm the notice as a message on the OTP form), cheap equal"
                + " password hashing; %d warm-up and %d measured users per realm, one login each, the realms in turn",
                System.getProperty("br.keycloak.version"), kc.databaseVendor(), WARMUP, USERS);
        byte[] key = Totp.keyOfImported(SECRET);
        for (int i = 0; i < WARMUP; i++) {
            for (String r : REALMS) {
                login(r, i, key);
            }
        }
        long[][][] roundTrip = new long[REALMS.length][STEPS.length][USERS];
        long[][][] server = new long[REALMS.length][STEPS.length][USERS];
        for (int i = 0; i < USERS; i++) {
            int u = WARMUP + i;
            for (int k = 0; k < REALMS.length; k++) {
                int r = (i + k) % REALMS.length; // each realm first in turn
                Login l = login(REALMS[r], u, key);
                for (int s = 0; s < STEPS.length; s++) {
                    roundTrip[r][s][i] = l.roundTrip[s];
                    server[r][s][i] = l.server[s];
                }
            }
        }
        for (int r = 1; r < REALMS.length; r++) {
            report("round trip", REALMS[r], roundTrip[0], roundTrip[r]);
            report("server time", REALMS[r], server[0], server[r]);
        }
        assertEquals(0, api.get("/incidents/leak/flags?state=FLAGGED").json().size(), "every flagged user remediated by the login");
        assertEquals(0, message.get("/incidents/leak/flags?state=FLAGGED").json().size(), "every flagged user remediated by the login");
    }

    /** Runs setup in {@code realm} and flags its first {@code total} users in the incident "leak" (default policy). */
    private static BreachApi flagAll(String realm, int total) throws Exception {
        BreachApi api = kc.api(realm);
        assertEquals(200, api.post("/setup", null, "").status());
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Leak\",\"exposedData\":[\"email\"]}").status());
        StringBuilder subjects = new StringBuilder("{\"subjects\":[");
        for (int i = 0; i < total; i++) {
            subjects.append(i == 0 ? "" : ",").append("{\"username\":\"dev").append(i).append("\"}");
        }
        String job = api.postJson("/incidents/leak/flags", subjects.append("]}").toString()).json().get("id").asText();
        assertEquals(total, api.awaitJob(job, Duration.ofMinutes(5)).at("/counts/flagged").asInt());
        return api;
    }

    /** The steps of a login, in the order of {@link Login}'s arrays; the Continue is the flagged path's only. */
    static final String[] STEPS = {"whole login", "login page", "password", "OTP code", "Continue"};

    /** Prints each step's p50, p95 and mean for Keycloak's OTP realm and {@code realm}, and what {@code realm}'s path adds to the whole login. */
    private static void report(String what, String realm, long[][] plain, long[][] flagged) {
        for (int s = 0; s < STEPS.length; s++) {
            if (s == STEPS.length - 1) {
                if (Arrays.stream(flagged[s]).anyMatch(n -> n > 0)) {
                    BenchSupport.out("%s [%s], breach notice's Continue: p50 %.2f ms, p95 %.2f ms, mean %.2f ms", what, realm,
                            BenchSupport.ms(BenchSupport.percentile(flagged[s], 50)), BenchSupport.ms(BenchSupport.percentile(flagged[s], 95)), BenchSupport.ms(mean(flagged[s])));
                }
                continue;
            }
            BenchSupport.out("%s [%s], %-12s Keycloak's OTP form: p50 %.2f ms, p95 %.2f ms, mean %.2f ms | flagged path: p50 %.2f ms, p95 %.2f ms, mean %.2f ms",
                    what, realm, STEPS[s], BenchSupport.ms(BenchSupport.percentile(plain[s], 50)), BenchSupport.ms(BenchSupport.percentile(plain[s], 95)), BenchSupport.ms(mean(plain[s])),
                    BenchSupport.ms(BenchSupport.percentile(flagged[s], 50)), BenchSupport.ms(BenchSupport.percentile(flagged[s], 95)), BenchSupport.ms(mean(flagged[s])));
        }
        BenchSupport.out("%s [%s], added by the flagged path: p50 %+.2f ms, p95 %+.2f ms, mean %+.2f ms (target <= 5 ms); ratio of means flagged/otp = %.2f",
                what, realm, BenchSupport.ms(BenchSupport.percentile(flagged[0], 50) - BenchSupport.percentile(plain[0], 50)),
                BenchSupport.ms(BenchSupport.percentile(flagged[0], 95) - BenchSupport.percentile(plain[0], 95)),
                BenchSupport.ms(mean(flagged[0]) - mean(plain[0])), mean(flagged[0]) / mean(plain[0]));
    }

    /**
     * One login's nanoseconds per step ({@link #STEPS}): as the client timed the round trips, and as Keycloak's HTTP
     * server timed the same requests.
     */
    private record Login(long[] roundTrip, long[] server) {
    }

    /**
     * One browser login of {@code dev<u>} (the OTP code's step includes the redirects it is answered with; the whole
     * login includes the notice's Continue where it is shown).
     */
    private static Login login(String realm, int u, byte[] key) throws Exception {
        Browser http = new Browser();
        long[] t = new long[STEPS.length];
        long[] server = new long[STEPS.length];
        String auth = kc.baseUrl() + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=bench&response_type=code&scope=openid"
                + "&redirect_uri=" + enc(REDIRECT) + "&state=s" + u;
        ServerTime clock = ServerTime.read(0);
        Timed page = http.send(HttpRequest.newBuilder(URI.create(auth)).GET());
        t[1] = page.nanos;
        clock = clock.step(server, 1, page.requests);
        Timed otpPage = http.send(post(action(page, "kc-form-login"), "username=dev" + u + "&password=" + enc(Realms.PASSWORD) + "&credentialId="));
        t[2] = otpPage.nanos;
        clock = clock.step(server, 2, otpPage.requests);
        assertTrue(otpPage.body.contains("id=\"otp\""), realm + ": expected the OTP form, got " + otpPage.status + " " + otpPage.body);
        assertEquals("message".equals(realm), otpPage.body.contains("third-party data leak. For your protection"),
                realm + ": the notice as a message on the OTP form in the message realm only: " + otpPage.body);
        Timed after = http.send(post(action(otpPage, "kc-otp-login-form"), "otp=" + Totp.code(key, 0) + "&login=Sign+In"));
        after = http.follow(after);
        t[3] = after.nanos;
        clock = clock.step(server, 3, after.requests);
        if ("flagged".equals(realm)) {
            assertTrue(after.body.contains("kc-breach-notice-form"), "expected the breach notice, got " + after.status + " " + after.location + " " + after.body);
            Timed cont = http.follow(http.send(post(action(after, "kc-breach-notice-form"), "continue=")));
            t[4] = cont.nanos;
            clock.step(server, 4, cont.requests);
            after = cont;
        }
        assertEquals(302, after.status, realm + ": " + after.body);
        String location = after.location;
        assertTrue(location != null && location.startsWith(REDIRECT) && location.contains("code="), realm + ": " + location);
        t[0] = t[1] + t[2] + t[3] + t[4];
        server[0] = server[1] + server[2] + server[3] + server[4];
        return new Login(t, server);
    }

    /**
     * Keycloak's own count and total time of the HTTP requests it served, outside the management interface: the sums of
     * {@code http_server_requests_seconds_count} and {@code _sum} over every URI but {@code /metrics} and {@code /health*}
     * (Micrometer timers, seconds).
     */
    private record ServerTime(long requests, double seconds) {

        /** Reads the totals once the server has counted at least {@code requests} requests (it counts each as it ends). */
        static ServerTime read(long requests) throws Exception {
            for (int attempt = 0; ; attempt++) {
                HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(kc.managementUrl() + "/metrics")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                long count = 0;
                double sum = 0;
                for (String line : r.body().split("\n")) {
                    if (!line.startsWith("http_server_requests_seconds_") || line.contains("uri=\"/metrics\"") || line.contains("uri=\"/health")) {
                        continue;
                    }
                    double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    if (line.startsWith("http_server_requests_seconds_count{")) {
                        count += (long) value;
                    } else if (line.startsWith("http_server_requests_seconds_sum{")) {
                        sum += value;
                    }
                }
                if (count >= requests) {
                    return new ServerTime(count, sum);
                }
                assertTrue(attempt < 100, "Keycloak counted " + count + " requests, expected " + requests);
                Thread.sleep(1);
            }
        }

        /** Records into {@code into[step]} the server time of the {@code sent} requests since this reading; the next reading. */
        ServerTime step(long[] into, int step, int sent) throws Exception {
            ServerTime next = read(requests + sent);
            assertEquals(requests + sent, next.requests, "requests Keycloak served in the step (no other client runs)");
            into[step] = Math.round((next.seconds - seconds) * 1e9);
            return next;
        }
    }

    /** A response, and the round trips and requests that led to it (one, or more when redirects were followed). */
    private record Timed(int status, String body, String location, long nanos, int requests) {
    }

    /**
     * A browser's cookie jar over one HTTP client (redirects not followed): every cookie the server set is sent back
     * by name. Java's CookieManager drops the login cookies Keycloak marks Secure on this plain-HTTP loopback server.
     */
    private static final class Browser {
        private final Map<String, String> cookies = new LinkedHashMap<>();

        Timed send(HttpRequest.Builder req) throws Exception {
            if (!cookies.isEmpty()) {
                req.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
            }
            HttpRequest r0 = req.build();
            long t0 = System.nanoTime();
            HttpResponse<String> r = CLIENT.send(r0, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - t0;
            for (String set : r.headers().allValues("Set-Cookie")) {
                String pair = set.split(";", 2)[0];
                int eq = pair.indexOf('=');
                cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
            return new Timed(r.statusCode(), r.body(), r.headers().firstValue("Location").orElse(null), took, 1);
        }

        /** Follows redirects within Keycloak (not the one to the client's redirect URI); the time is the sum. */
        Timed follow(Timed first) throws Exception {
            Timed at = first;
            long nanos = first.nanos;
            int requests = first.requests;
            while (at.status == 302 && at.location != null && !at.location.startsWith(REDIRECT)) {
                at = send(HttpRequest.newBuilder(URI.create(at.location)).GET());
                nanos += at.nanos;
                requests++;
            }
            return new Timed(at.status, at.body, at.location, nanos, requests);
        }
    }

    private static HttpRequest.Builder post(String url, String form) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
    }

    /** The action URL of the form with this id on the page (HTML-unescaped). */
    private static String action(Timed page, String formId) {
        Matcher m = FORM.matcher(page.body);
        while (m.find()) {
            String id = m.group(1) != null ? m.group(1) : m.group(4);
            String action = m.group(2) != null ? m.group(2) : m.group(3);
            if (formId.equals(id)) {
                return action.replace("&amp;", "&");
            }
        }
        throw new AssertionError("no form " + formId + " on the page (" + page.status + "): " + page.body);
    }

    private static void realm(String name, int users) throws Exception {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < users; i++) {
            list.append(i == 0 ? "" : ",").append("{\"username\":\"dev").append(i).append("\",\"enabled\":true,\"email\":\"dev").append(i)
                    .append("@bench.test\",\"firstName\":\"Dev\",\"lastName\":\"Bench\",\"emailVerified\":true,\"credentials\":[")
                    .append("{\"type\":\"password\",\"value\":\"").append(Realms.PASSWORD).append("\",\"temporary\":false},")
                    .append("{\"type\":\"otp\",\"userLabel\":\"phone\",\"secretData\":\"{\\\"value\\\":\\\"").append(SECRET)
                    .append("\\\"}\",\"credentialData\":\"{\\\"subType\\\":\\\"totp\\\",\\\"digits\\\":6,\\\"counter\\\":0,\\\"period\\\":30,")
                    .append("\\\"algorithm\\\":\\\"HmacSHA1\\\"}\"}]}");
        }
        String json = "{\"realm\":\"" + name + "\",\"enabled\":true,\"passwordPolicy\":\"hashAlgorithm(pbkdf2-sha256) and hashIterations(1000)\","
                + "\"clients\":[{\"clientId\":\"bench\",\"publicClient\":true,\"standardFlowEnabled\":true,\"redirectUris\":[\"" + REDIRECT + "\"]}],"
                + "\"users\":" + list.append("]") + "}";
        HttpResponse<String> r = kc.adminCall("POST", "/realms", json);
        assertEquals(201, r.statusCode(), r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(0);
    }
}
