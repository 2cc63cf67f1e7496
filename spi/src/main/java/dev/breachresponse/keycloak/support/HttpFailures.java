package dev.breachresponse.keycloak.support;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import javax.net.ssl.SSLException;

import org.apache.http.conn.ConnectTimeoutException;

/** What kind of failure an outbound HTTP call met, without host, address or port (logs and delivery logs are no port scanner). */
public final class HttpFailures {

    private HttpFailures() {
    }

    /** {@code timeout}, {@code connection refused}, {@code unknown host}, {@code TLS error} or {@code I/O error}. */
    public static String category(Throwable e) {
        if (e instanceof SocketTimeoutException || e instanceof ConnectTimeoutException) {
            return "timeout";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof SSLException) {
            return "TLS error";
        }
        return "I/O error";
    }
}
