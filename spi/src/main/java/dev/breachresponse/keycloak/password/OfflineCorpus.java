package dev.breachresponse.keycloak.password;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The offline Pwned Passwords corpus: the text file the Pwned Passwords downloader writes (one {@code SHA1:COUNT}
 * line per password, SHA-1 in hex, sorted by it, CRLF or LF), looked up by binary search over byte offsets with
 * positional reads: nothing of the file is held in the heap (the operating system's page cache keeps the hot pages),
 * about 30 reads of {@value #WINDOW} bytes for a billion lines. Opened once per node and checked at start.
 */
final class OfflineCorpus implements AutoCloseable {

    /** Bytes read at one probe: a whole line (40 + 1 + up to 20 digits + CRLF) fits after any offset's line break. */
    static final int WINDOW = 160;

    /** Lines spread over the file whose order is checked at start. */
    static final int SAMPLES = 64;

    private final Path path;
    /** Reopened when an interrupted reader closed it (a FileChannel closes itself when a reading thread is interrupted). */
    private volatile FileChannel channel;
    private final long size;
    private final ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocate(WINDOW));

    private OfflineCorpus(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    /**
     * Opens and checks the file: readable, not empty, its first line and {@value #SAMPLES} lines spread over it of the
     * {@code SHA1:COUNT} shape and in ascending order.
     *
     * @throws IllegalArgumentException saying what is wrong with the file (the server does not start)
     */
    static OfflineCorpus open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the breached-password corpus " + path + " cannot be read: " + e.getMessage(), e);
        }
        try {
            long size = channel.size();
            if (size == 0) {
                throw new IllegalArgumentException("the breached-password corpus " + path + " is empty");
            }
            OfflineCorpus c = new OfflineCorpus(path, channel, size);
            c.checkOrder();
            return c;
        } catch (IOException e) {
            close(channel);
            throw new IllegalArgumentException("the breached-password corpus " + path + " cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    private void checkOrder() throws IOException {
        String previous = null;
        for (int i = 0; i < SAMPLES; i++) {
            long offset = i == 0 ? 0 : size / SAMPLES * i;
            Line line = lineAtOrAfter(offset);
            if (line == null) {
                break;
            }
            if (line.hash == null) {
                throw new IllegalArgumentException("the breached-password corpus " + path + " has a line that is not SHA1:COUNT near byte "
                        + line.start + " (expected the sorted file of the Pwned Passwords downloader, SHA-1 mode)");
            }
            if (previous != null && previous.compareTo(line.hash) > 0) {
                throw new IllegalArgumentException("the breached-password corpus " + path + " is not sorted by hash near byte " + line.start);
            }
            previous = line.hash;
        }
    }

    /**
     * How often the password with this SHA-1 was seen; 0 when it is not in the corpus.
     *
     * @param sha1 40 upper-case hex digits
     * @throws IOException when the file cannot be read any more
     */
    long count(String sha1) throws IOException {
        long lo = 0; // always the start of a line
        long hi = size;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            Line line = lineAtOrAfter(mid);
            if (line == null || line.start >= hi) {
                hi = mid; // no line starts in [mid, hi)
                continue;
            }
            int cmp = line.hash == null ? 1 : line.hash.compareTo(sha1);
            if (cmp == 0) {
                return line.count;
            }
            if (cmp < 0) {
                lo = line.next;
            } else {
                hi = mid; // no line starts in [mid, line.start)
            }
        }
        return 0;
    }

    long bytes() {
        return size;
    }

    /** The first line starting at or after {@code offset}, or null past the end. */
    private Line lineAtOrAfter(long offset) throws IOException {
        long from = offset == 0 ? 0 : offset - 1; // a line starts at offset when the byte before it is a line break
        ByteBuffer b = buffers.get();
        b.clear();
        int n = read(b, from);
        int i = 0;
        if (offset != 0) {
            while (i < n && b.get(i) != '\n') {
                i++;
            }
            i++; // past the line break
        }
        if (i >= n) {
            return null;
        }
        long start = from + i;
        int end = i;
        while (end < n && b.get(end) != '\n') {
            end++;
        }
        if (end == n && start + (end - i) < size) {
            return new Line(start, start + (end - i), null, 0); // longer than a window: not a corpus line
        }
        String text = new String(b.array(), i, end - i, StandardCharsets.US_ASCII).strip();
        int colon = text.indexOf(':');
        String hash = colon == 40 && Sha1Hex.valid(text.subSequence(0, 40)) ? text.substring(0, 40).toUpperCase(java.util.Locale.ROOT) : null;
        long count = 0;
        if (hash != null) {
            try {
                count = Long.parseLong(text.substring(41));
            } catch (NumberFormatException e) {
                hash = null;
            }
        }
        return new Line(start, from + end + 1, hash, count);
    }

    private int read(ByteBuffer b, long position) throws IOException {
        FileChannel c = channel;
        try {
            return read(c, b, position);
        } catch (ClosedChannelException e) {
            reopen(c);
            if (Thread.currentThread().isInterrupted()) {
                throw e; // this thread's own interrupt: its lookup fails, the next one reads the new channel
            }
            b.clear();
            return read(channel, b, position); // another thread's interrupt closed it under this one
        }
    }

    private static int read(FileChannel c, ByteBuffer b, long position) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int r = c.read(b, position + total);
            if (r < 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    private synchronized void reopen(FileChannel closed) throws IOException {
        if (channel == closed && !closed.isOpen()) {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        }
    }

    /** One line: where it starts, where the next one starts, its hash (null: not SHA1:COUNT) and count. */
    private record Line(long start, long next, String hash, long count) {
    }

    @Override
    public void close() {
        close(channel);
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only
        }
    }
}
