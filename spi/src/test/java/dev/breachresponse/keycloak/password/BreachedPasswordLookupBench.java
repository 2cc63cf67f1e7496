package dev.breachresponse.keycloak.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.Test;

/**
 * Benchmark (not part of the suite: its name does not end in Test): what the breached-password check adds to a
 * password login. Writes a sorted corpus of {@code -Dbench.lines} (default 100,000,000) generated {@code SHA1:COUNT}
 * lines once (about 4.6 GB under {@code spi/target}), then measures in the same run: the offline lookup (hits and
 * misses), the whole check (SHA-1 + lookup), a range lookup from the warm cache, and as the baseline what a password
 * login already pays, one PBKDF2-SHA512 verification at Keycloak's default 210,000 iterations. Prints p50/p95/p99 and
 * the heap used after GC before and after. Command in docs/performance.md.
 */
class BreachedPasswordLookupBench {

    @Test
    void lookups() throws Exception {
        long lines = Long.getLong("bench.lines", 100_000_000L);
        int samples = Integer.getInteger("bench.samples", 200_000);
        Path file = Path.of("target", "bench-corpus-" + lines + ".txt");
        long t0 = System.nanoTime();
        SplittableRandom random = new SplittableRandom(42);
        long step = Long.divideUnsigned(-1L, lines);
        if (!Files.exists(file)) {
            write(file, lines, step);
        }
        System.out.printf(Locale.ROOT, "corpus: %,d lines, %,d bytes (%.1f s to write or find)%n", lines, Files.size(file), (System.nanoTime() - t0) / 1e9);

        long heapBefore = usedHeapAfterGc();
        try (OfflineCorpus corpus = OfflineCorpus.open(file)) {
            long opened = usedHeapAfterGc();
            // hits: lines chosen at random, rebuilt from their index as the writer made them
            String[] hits = new String[samples];
            String[] misses = new String[samples];
            for (int i = 0; i < samples; i++) {
                long index = random.nextLong(lines);
                hits[i] = line(index, step);
                misses[i] = HexFormat.of().withUpperCase().formatHex(longs(random.nextLong(), random.nextLong(), random.nextInt()));
            }
            for (int i = 0; i < 20_000; i++) { // warm-up (JIT, page cache of the upper levels)
                corpus.count(hits[i % samples]);
                corpus.count(misses[i % samples]);
            }
            long[] hit = time(samples, i -> assertTrue(corpus.count(hits[i]) > 0));
            long[] miss = time(samples, i -> corpus.count(misses[i]));
            String[] passwords = new String[samples];
            for (int i = 0; i < samples; i++) {
                passwords[i] = "candidate-" + random.nextLong();
            }
            long[] whole = time(samples, i -> corpus.count(Sha1Hex.of(passwords[i])));

            RangeApi.Range range = RangeApi.Range.parse(rangeBody(random), Long.MAX_VALUE);
            long[] cached = time(samples, i -> range.count(Sha1Hex.of(passwords[i]).substring(5)));

            SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512");
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            int hashes = Integer.getInteger("bench.hashes", 50);
            long[] baseline = time(hashes, i -> pbkdf2.generateSecret(new PBEKeySpec(("pw" + i).toCharArray(), salt, 210_000, 512)).getEncoded());
            long after = usedHeapAfterGc();

            report("offline lookup, hit", hit);
            report("offline lookup, miss", miss);
            report("check: SHA-1 + offline lookup", whole);
            report("check: SHA-1 + cached range", cached);
            report("baseline: PBKDF2-SHA512 x210000 (a password login's hash)", baseline);
            System.out.printf(Locale.ROOT, "ratio p95 check / baseline p95: %.5f%n", (double) pct(whole, 95) / pct(baseline, 95));
            System.out.printf(Locale.ROOT, "heap used after GC: before %.1f MB, corpus opened %.1f MB, after %,d lookups %.1f MB (growth %.1f MB)%n",
                    heapBefore / 1e6, opened / 1e6, samples * 3, after / 1e6, (after - heapBefore) / 1e6);
            assertEquals(0, corpus.count("0000000000000000000000000000000000000000"), "below the first line");
        }
    }

    private interface Op {
        void run(int i) throws Exception;
    }

    private static long[] time(int n, Op op) throws Exception {
        long[] ns = new long[n];
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            op.run(i);
            ns[i] = System.nanoTime() - s;
        }
        Arrays.sort(ns);
        return ns;
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    private static void report(String what, long[] sorted) {
        System.out.printf(Locale.ROOT, "%-58s p50 %8.4f ms  p95 %8.4f ms  p99 %8.4f ms  (n=%,d)%n", what,
                pct(sorted, 50) / 1e6, pct(sorted, 95) / 1e6, pct(sorted, 99) / 1e6, sorted.length);
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Line {@code index}'s hash: 64 ascending bits (index × step plus a jitter below step), then 96 derived bits. */
    private static String line(long index, long step) {
        SplittableRandom r = new SplittableRandom(index * 0x9E3779B97F4A7C15L);
        long jitter = Long.remainderUnsigned(r.nextLong(), step);
        return HexFormat.of().withUpperCase().formatHex(longs(index * step + jitter, r.nextLong(), r.nextInt()));
    }

    private static byte[] longs(long a, long b, int c) {
        byte[] out = new byte[20];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (a >>> (56 - 8 * i));
            out[8 + i] = (byte) (b >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[16 + i] = (byte) (c >>> (24 - 8 * i));
        }
        return out;
    }

    private static void write(Path file, long lines, long step) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "corpus", ".tmp");
        byte[] row = new byte[64];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            for (long i = 0; i < lines; i++) {
                String hash = line(i, step);
                for (int k = 0; k < 40; k++) {
                    row[k] = (byte) hash.charAt(k);
                }
                int n = 40;
                row[n++] = ':';
                String count = Long.toString(i % 9973 + 1);
                for (int k = 0; k < count.length(); k++) {
                    row[n++] = (byte) count.charAt(k);
                }
                row[n++] = '\r';
                row[n++] = '\n';
                out.write(row, 0, n);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A range of 1,000 suffixes plus 200 padding lines, as the range API answers. */
    private static String rangeBody(SplittableRandom random) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1200; i++) {
            String suffix = HexFormat.of().withUpperCase().formatHex(longs(random.nextLong(), random.nextLong(), random.nextInt())).substring(0, 35);
            b.append(suffix).append(':').append(i < 1000 ? random.nextInt(1, 100_000) : 0).append("\r\n");
        }
        return b.toString();
    }
}
