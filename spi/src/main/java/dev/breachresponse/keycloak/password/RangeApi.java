package dev.breachresponse.keycloak.password;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.http.HttpEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;

import dev.breachresponse.keycloak.support.BuildInfo;
import dev.breachresponse.keycloak.support.HttpDeadline;

/**
 * A Pwned Passwords range API (k-anonymity): {@code GET {base}/range/{first 5 hex digits of the SHA-1}} with
 * {@code Add-Padding: true}, answered by lines {@code SUFFIX:COUNT} (35 hex digits; padding lines have count 0). Only
 * the 5-digit prefix leaves the server. Each call is aborted at its deadline; redirects are not followed; at most
 * {@value #MAX_BODY} bytes are read. Ranges are cached (least recently used, with a time to live) as two longs and an
 * int per suffix; a circuit breaker per base URL stops asking for a while after consecutive failures.
 */
final class RangeApi {

    /** Server options of the range client; see the factory's config metadata for ranges. */
    record Settings(int timeoutMillis, int cacheSize, long cacheTtlMillis, int breakerFailures, long breakerOpenMillis) {

        static final Settings DEFAULT = new Settings(800, 1000, 3_600_000L, 5, 30_000L);
    }

    /** An answer: how often the password was seen (0: not in the range), or the reason the API could not answer. */
    record Answer(long count, String error) {

        boolean answered() {
            return error == null;
        }
    }

    static final int MAX_BODY = 1 << 20;

    private final Settings settings;
    private final ScheduledExecutorService timer;
    private final Map<String, Range> cache;
    private final Map<String, Breaker> breakers = new ConcurrentHashMap<>();

    RangeApi(Settings settings, ScheduledExecutorService timer) {
        this.settings = settings;
        this.timer = timer;
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Range> eldest) {
                return size() > settings.cacheSize();
            }
        };
    }

    /** Looks the password's SHA-1 (40 upper-case hex digits) up at {@code baseUrl}; never throws. */
    Answer count(CloseableHttpClient client, String baseUrl, String sha1, long now) {
        String prefix = sha1.substring(0, 5);
        String key = baseUrl + " " + prefix;
        Range range;
        synchronized (cache) {
            range = cache.get(key);
        }
        if (range == null || range.expiresAt <= now) {
            Breaker breaker = breakers.computeIfAbsent(baseUrl, u -> new Breaker());
            if (!breaker.allows(now)) {
                return new Answer(0, "circuit open");
            }
            Fetched f = fetch(client, baseUrl, prefix, now);
            if (f.range == null) {
                breaker.failed(now, settings);
                return new Answer(0, f.error);
            }
            breaker.succeeded();
            range = f.range;
            if (settings.cacheSize() > 0) {
                synchronized (cache) {
                    cache.put(key, range);
                }
            }
        }
        return new Answer(range.count(sha1.substring(5)), null);
    }

    private record Fetched(Range range, String error) {
    }

    private Fetched fetch(CloseableHttpClient client, String baseUrl, String prefix, long now) {
        HttpGet get = new HttpGet(URI.create(baseUrl + "/range/" + prefix));
        get.setHeader("Add-Padding", "true");
        get.setHeader("User-Agent", "keycloak-breach-response/" + BuildInfo.version());
        HttpDeadline deadline;
        try {
            deadline = HttpDeadline.start(timer, get, settings.timeoutMillis());
        } catch (RejectedExecutionException e) {
            return new Fetched(null, "stopping");
        }
        try (deadline; CloseableHttpResponse response = client.execute(get)) {
            int status = response.getStatusLine().getStatusCode();
            if (status != 200) {
                get.abort();
                return new Fetched(null, "HTTP " + status);
            }
            HttpEntity entity = response.getEntity();
            if (entity == null) {
                return new Fetched(null, "empty answer");
            }
            byte[] body;
            try (InputStream in = entity.getContent()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                get.abort();
                return new Fetched(null, "answer over " + MAX_BODY + " bytes");
            }
            Range r = Range.parse(new String(body, StandardCharsets.US_ASCII), now + settings.cacheTtlMillis());
            return r == null ? new Fetched(null, "malformed answer") : new Fetched(r, null);
        } catch (IOException | RuntimeException e) {
            return new Fetched(null, deadline.failure(e));
        }
    }

    /** One range: the suffixes' first 128 bits as sorted (hi, lo) pairs and their counts. */
    static final class Range {

        private final long[] hi;
        private final long[] lo;
        private final int[] counts;
        final long expiresAt;

        private Range(long[] hi, long[] lo, int[] counts, long expiresAt) {
            this.hi = hi;
            this.lo = lo;
            this.counts = counts;
            this.expiresAt = expiresAt;
        }

        /** Null when a line is not {@code SUFFIX:COUNT} with a 35-digit hex suffix. */
        static Range parse(String body, long expiresAt) {
            String[] lines = body.split("\n");
            long[][] rows = new long[lines.length][];
            int n = 0;
            for (String raw : lines) {
                String line = raw.strip();
                if (line.isEmpty()) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon != 35) {
                    return null;
                }
                long count;
                try {
                    count = Long.parseLong(line.substring(36));
                    if (count < 0) {
                        return null;
                    }
                    String suffix = line.substring(0, 35);
                    if (count == 0) {
                        continue; // padding
                    }
                    rows[n++] = new long[] {Long.parseUnsignedLong(suffix.substring(0, 16), 16),
                            Long.parseUnsignedLong(suffix.substring(16, 32), 16), Math.min(count, Integer.MAX_VALUE)};
                    Long.parseLong(suffix.substring(32), 16);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            long[][] sorted = Arrays.copyOf(rows, n);
            Arrays.sort(sorted, (a, b) -> a[0] != b[0] ? Long.compareUnsigned(a[0], b[0]) : Long.compareUnsigned(a[1], b[1]));
            long[] hi = new long[n];
            long[] lo = new long[n];
            int[] counts = new int[n];
            for (int i = 0; i < n; i++) {
                hi[i] = sorted[i][0];
                lo[i] = sorted[i][1];
                counts[i] = (int) sorted[i][2];
            }
            return new Range(hi, lo, counts, expiresAt);
        }

        /** The count of a 35-digit suffix, 0 when absent. */
        long count(String suffix) {
            long h = Long.parseUnsignedLong(suffix.substring(0, 16), 16);
            long l = Long.parseUnsignedLong(suffix.substring(16, 32), 16);
            int a = 0;
            int b = hi.length - 1;
            while (a <= b) {
                int m = (a + b) >>> 1;
                int c = hi[m] != h ? Long.compareUnsigned(hi[m], h) : Long.compareUnsigned(lo[m], l);
                if (c == 0) {
                    return counts[m];
                }
                if (c < 0) {
                    a = m + 1;
                } else {
                    b = m - 1;
                }
            }
            return 0;
        }

        int size() {
            return counts.length;
        }
    }

    /**
     * Consecutive failures open the circuit for a while; after that one call is let through as a trial (the others
     * wait out another period unless it succeeds first).
     */
    private static final class Breaker {

        private int failures;
        private long openUntil;
        private long openFor;

        synchronized boolean allows(long now) {
            if (now < openUntil) {
                return false;
            }
            if (openUntil != 0) {
                openUntil = now + openFor; // this call is the trial: nobody else until it ends
            }
            return true;
        }

        synchronized void failed(long now, Settings settings) {
            failures++;
            if (failures >= settings.breakerFailures()) {
                openFor = settings.breakerOpenMillis();
                openUntil = now + openFor;
                failures = settings.breakerFailures() - 1; // a failed trial opens it again at once
            }
        }

        synchronized void succeeded() {
            failures = 0;
            openUntil = 0;
        }
    }
}
