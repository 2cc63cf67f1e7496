package dev.breachresponse.keycloak.password;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderFactory;

import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.support.Options;

/**
 * Holds the node's breach sources: the offline corpus and custom lists named by server options (opened and checked
 * at start: a wrong file stops the server, naming it) and the range API client with its cache and breakers.
 */
public final class BreachedPasswordsFactory implements ProviderFactory<BreachedPasswords> {

    private static final Logger LOG = Logger.getLogger(BreachedPasswordsFactory.class);

    /** An unavailable source is logged at most once per realm in this time. */
    static final long LOG_EVERY_MILLIS = 60_000;

    private OfflineCorpus corpus;
    private CustomLists custom = CustomLists.NONE;
    private RangeApi range;
    private ScheduledExecutorService timer;
    private final Map<String, Long> logged = new ConcurrentHashMap<>();

    @Override
    public BreachedPasswords create(KeycloakSession session) {
        return (realm, settings, password, minCount) -> check(session, realm, settings, password, minCount);
    }

    private BreachedPasswords.Verdict check(KeycloakSession session, RealmModel realm, RealmSettings.BreachedPasswords settings,
                                            String password, int minCount) {
        try {
            String sha1 = Sha1Hex.of(password);
            boolean offline = settings.offlineCorpus() && (corpus != null || custom.size() > 0);
            String error = null;
            boolean corpusAnswered = false;
            if (offline) {
                if (custom.contains(sha1)) {
                    return new BreachedPasswords.Verdict(BreachedPasswords.Result.BREACHED, Long.MAX_VALUE, "custom", null);
                }
                if (corpus != null) {
                    try {
                        long seen = corpus.count(sha1);
                        if (seen >= minCount) {
                            return new BreachedPasswords.Verdict(BreachedPasswords.Result.BREACHED, seen, "offline", null);
                        }
                        corpusAnswered = true;
                    } catch (IOException e) {
                        error = "offline corpus unreadable";
                    }
                }
            }
            // the offline corpus is the range API's data at rest: once it answered, the network is not asked (an
            // air-gapped server with a corpus works with the default settings, and no lookup waits on a dead API)
            if (settings.rangeApiUrl() != null && !corpusAnswered) {
                RangeApi.Answer a = range.count(session.getProvider(HttpClientProvider.class).getHttpClient(), settings.rangeApiUrl(), sha1,
                        System.currentTimeMillis());
                if (a.answered() && a.count() >= minCount) {
                    return new BreachedPasswords.Verdict(BreachedPasswords.Result.BREACHED, a.count(), "range", null);
                }
                if (!a.answered()) {
                    error = "range API: " + a.error();
                }
            } else if (!offline) {
                error = "no source (no range API, and no offline corpus or custom list on this server)";
            }
            if (error != null) {
                logUnavailable(realm, error, settings.failClosed());
                return new BreachedPasswords.Verdict(BreachedPasswords.Result.UNAVAILABLE, 0, null, error);
            }
            return new BreachedPasswords.Verdict(BreachedPasswords.Result.CLEAN, 0, null, null);
        } catch (RuntimeException e) {
            LOG.errorf("breach-response: the breached-password check of realm %s failed: %s", realm.getName(), e.getClass().getName());
            return new BreachedPasswords.Verdict(BreachedPasswords.Result.UNAVAILABLE, 0, null, "internal error");
        }
    }

    private void logUnavailable(RealmModel realm, String error, boolean failClosed) {
        long now = System.currentTimeMillis();
        Long last = logged.get(realm.getId());
        if (last == null || now - last >= LOG_EVERY_MILLIS) {
            logged.put(realm.getId(), now);
            LOG.warnf("breach-response: breached-password sources of realm %s cannot answer (%s); %s (logged at most once a minute)",
                    realm.getName(), error, failClosed ? "refusing (failClosed)" : "letting logins and password changes proceed (fail-open)");
        }
    }

    @Override
    public void init(Config.Scope config) {
        String p = "spi-" + BreachedPasswordsSpi.NAME + "--default--";
        RangeApi.Settings d = RangeApi.Settings.DEFAULT;
        RangeApi.Settings settings = new RangeApi.Settings(
                Options.bounded(config.getInt("range-timeout-millis", d.timeoutMillis()), 50, 1000, p + "range-timeout-millis"),
                Options.bounded(config.getInt("range-cache-size", d.cacheSize()), 0, 100_000, p + "range-cache-size"),
                Options.bounded(config.getInt("range-cache-ttl-seconds", (int) (d.cacheTtlMillis() / 1000)), 60, 86_400,
                        p + "range-cache-ttl-seconds") * 1000L,
                Options.bounded(config.getInt("breaker-failures", d.breakerFailures()), 1, 100, p + "breaker-failures"),
                Options.bounded(config.getInt("breaker-open-seconds", (int) (d.breakerOpenMillis() / 1000)), 1, 3600,
                        p + "breaker-open-seconds") * 1000L);
        String file = config.get("corpus-file");
        if (file != null && !file.isBlank()) {
            corpus = OfflineCorpus.open(Path.of(file.trim()));
            LOG.infof("breach-response: breached-password corpus opened (%d bytes)", corpus.bytes());
        }
        String lists = config.get("custom-lists");
        if (lists != null && !lists.isBlank()) {
            custom = CustomLists.load(Arrays.stream(lists.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList());
            LOG.infof("breach-response: breached-password custom lists loaded (%d entries)", custom.size());
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "breach-password-deadline");
            t.setDaemon(true);
            return t;
        });
        range = new RangeApi(settings, timer);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // nothing to start: sources are read on demand
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        RangeApi.Settings d = RangeApi.Settings.DEFAULT;
        return ProviderConfigurationBuilder.create()
                .property().name("corpus-file").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Path of the offline Pwned Passwords corpus (sorted SHA1:COUNT lines, as the Pwned Passwords downloader writes them)").add()
                .property().name("custom-lists").type(ProviderConfigProperty.STRING_TYPE)
                .helpText("Comma-separated paths of small lists of breached passwords as SHA-1 (SHA1 or SHA1:COUNT per line; at most 100,000 in all)").add()
                .property().name("range-timeout-millis").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(d.timeoutMillis())
                .helpText("Time for one range API call, after which it is aborted (milliseconds, 50 to 1000)").add()
                .property().name("range-cache-size").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(d.cacheSize())
                .helpText("Ranges kept in memory (about 20 KB each; 0 to 100000)").add()
                .property().name("range-cache-ttl-seconds").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(d.cacheTtlMillis() / 1000)
                .helpText("How long a range is kept (seconds, 60 to 86400)").add()
                .property().name("breaker-failures").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(d.breakerFailures())
                .helpText("Consecutive failed range API calls after which it is not asked for a while (1 to 100)").add()
                .property().name("breaker-open-seconds").type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(d.breakerOpenMillis() / 1000)
                .helpText("How long the range API is not asked after that (seconds, 1 to 3600)").add()
                .build();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (corpus != null) {
            corpus.close();
        }
    }

    @Override
    public String getId() {
        return "default";
    }
}
