package dev.breachresponse.keycloak.jobs;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import dev.breachresponse.keycloak.support.Options;

/**
 * Server options of the bulk API, e.g. {@code --spi-admin-realm-restapi-extension--breach-response--max-subjects=50000}.
 * Missing values take the defaults; an out-of-range value stops the server at start with an
 * {@link IllegalArgumentException} naming the option and its range (fail closed rather than run with a guess).
 */
public record JobSettings(int maxSubjects, long maxBodyBytes, int chunkSize, long leaseMillis, long pollMillis,
                          long itemRetentionMillis) {

    public static final int DEFAULT_MAX_SUBJECTS = 100_000;
    public static final long DEFAULT_MAX_BODY_BYTES = 10_000_000L;
    /**
     * Subjects per worker transaction. A thousand, as a stored page of the request holds ({@code ItemPages}), so a chunk
     * decodes one page; a chunk's fixed work (job lock, pages, rights check, commit and Keycloak's cache invalidations)
     * is spread over twice the users of the earlier 500 (issue 15: MariaDB 0.77 to 0.82 of the floor). A chunk holds the
     * rows it writes locked until it commits, 0.1-0.2 s on a 2-core machine; logins read flags without locks.
     */
    public static final int DEFAULT_CHUNK_SIZE = 1_000;

    /** How an out-of-range option is named in the error that stops the server. */
    private static final String OPTION = "breach-response option ";

    public static JobSettings from(Config.Scope c) {
        return new JobSettings(
                Options.bounded(c.getInt("max-subjects", DEFAULT_MAX_SUBJECTS), 1, 1_000_000, OPTION + "max-subjects"),
                Options.bounded(c.getLong("max-body-bytes", DEFAULT_MAX_BODY_BYTES), 1_024, 100_000_000L, OPTION + "max-body-bytes"),
                Options.bounded(c.getInt("chunk-size", DEFAULT_CHUNK_SIZE), 1, 10_000, OPTION + "chunk-size"),
                Options.bounded(c.getLong("lease-seconds", 60L), 10, 3_600, OPTION + "lease-seconds") * 1000L,
                Options.bounded(c.getLong("poll-seconds", 10L), 1, 3_600, OPTION + "poll-seconds") * 1000L,
                Options.bounded(c.getLong("item-retention-days", 30L), 1, 3_650, OPTION + "item-retention-days") * 86_400_000L);
    }



    public static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("max-subjects").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULT_MAX_SUBJECTS)
                .helpText("Most subjects one bulk flag request may carry (413 beyond).").add()
                .property().name("max-body-bytes").type(ProviderConfigProperty.STRING_TYPE).defaultValue(Long.toString(DEFAULT_MAX_BODY_BYTES))
                .helpText("Most bytes one bulk flag request body may have (413 beyond).").add()
                .property().name("chunk-size").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(DEFAULT_CHUNK_SIZE)
                .helpText("Subjects processed per transaction by the job worker.").add()
                .property().name("lease-seconds").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(60)
                .helpText("How long a node holds a job without progress before another node may resume it.").add()
                .property().name("poll-seconds").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(10)
                .helpText("How often each node looks for queued or orphaned jobs.").add()
                .property().name("item-retention-days").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(30)
                .helpText("Days after a job finishes before its items (which hold emails of non-users) are deleted.").add()
                .build();
    }
}
