package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * docs/api/openapi.yaml against the running endpoint: every documented operation exists, answers a
 * documented status, and its 2xx JSON bodies carry every property the document lists (other 2xx bodies, such as
 * the CSV export, the documented content type); errors have the documented shape.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class OpenApiContractIT {

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    /**
     * One test per documented operation, the DELETEs last, all on one realm with one incident and one job that
     * flags carol: an operation that answers wrongly does not hide the others.
     */
    @TestFactory
    Stream<DynamicTest> everyDocumentedOperationAnswersAsDocumented() throws Exception {
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(
                Path.of(System.getProperty("br.project.root"), "docs", "api", "openapi.yaml").toFile());
        assertEquals("3.1.0", spec.get("openapi").asText());

        String realm = Realms.newName("contract");
        String userId = UUID.randomUUID().toString();
        Realms.create(admin, UUID.randomUUID().toString(), realm, List.of(Realms.user(userId, "carol")));
        BreachApi api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"contract\",\"title\":\"t\",\"exposedData\":[\"email\"]}").status());
        String jobId = api.postJson("/incidents/contract/flags", "{\"subjects\":[{\"username\":\"carol\"}]}").json().get("id").asText();
        // an endpoint on a closed loopback port: its deliveries fail, which the contract does not look at
        String hook = "{\"url\":\"http://127.0.0.1:9/contract\",\"events\":[\"job.finished\"]}";
        String webhookId = api.postJson("/webhooks", hook).json().get("id").asText();
        // a Shared Signals transmitter on loopback that answers every call of the receiver's stream management and poll
        HttpServer transmitter = fakeTransmitter();
        String issuer = "http://127.0.0.1:" + transmitter.getAddress().getPort() + "/t";
        String pollReceiver = "{\"alias\":\"contract\",\"issuer\":\"" + issuer + "\",\"audience\":\"aud\",\"delivery\":\"poll\","
                + "\"clientId\":\"c\",\"clientSecret\":\"s\"}";
        String receiverId = api.postJson("/ssf/receivers", pollReceiver).json().get("id").asText();
        String pushReceiver = "{\"alias\":\"contract-push\",\"issuer\":\"" + issuer + "\",\"audience\":\"aud\",\"delivery\":\"push\"}";
        String pushReceiverId = api.postJson("/ssf/receivers", pushReceiver).json().get("id").asText();

        Map<String, String> bodies = Map.of(
                "POST /incidents", "{\"id\":\"contract-2\",\"title\":\"t\",\"exposedData\":[\"email\"]}",
                "PUT /incidents/{id}", "{\"title\":\"renamed\"}",
                "POST /incidents/{id}/flags", "{\"subjects\":[{\"username\":\"carol\"}],\"dryRun\":true}",
                "PUT /config", "{\"allowedFactors\":[\"otp\",\"webauthn\"],\"grace\":{\"days\":1,\"skips\":0},\"hygiene\":{\"mfaNudges\":true},"
                        + "\"alerts\":{\"enabled\":true,\"contact\":\"soc@example.test\",\"digest\":false}}",
                "POST /incidents/{id}/flags/{userId}/dismissal", "{\"reason\":\"contract\"}",
                "POST /webhooks", hook,
                "PUT /webhooks/{webhookId}", hook,
                "POST /ssf/receivers", pushReceiver.replace("contract-push", "contract-2"),
                "PUT /ssf/receivers/{receiverId}", pollReceiver);
        // DELETE of the flag last, so the GETs above it still find the flag
        List<String[]> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = spec.get("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            for (String method : List.of("get", "post", "put", "delete")) {
                if (path.getValue().has(method)) {
                    ops.add(new String[] {method.toUpperCase(), path.getKey()});
                }
            }
        }
        ops.sort((a, b) -> Boolean.compare(a[0].equals("DELETE"), b[0].equals("DELETE")));
        assertTrue(ops.size() >= 15, "operations documented: " + ops.size());

        List<DynamicTest> tests = new ArrayList<>();
        for (String[] op : ops) {
            String method = op[0];
            String template = op[1];
            tests.add(DynamicTest.dynamicTest(method + " " + template, () -> {
                String concrete = template.replace("{id}", "contract").replace("{userId}", userId).replace("{jobId}", jobId)
                        .replace("{webhookId}", webhookId)
                        .replace("{receiverId}", template.endsWith("/push-credential") ? pushReceiverId : receiverId);
                if (method.equals("DELETE") && template.endsWith("{userId}")) {
                    concrete += "?reason=contract";
                }
                String body = bodies.get(method + " " + template);
                BreachApi.Reply r = api.send(method, concrete, body == null ? null : "application/json", body == null ? "" : body,
                        "X-Contract-Test", "1");
                // the receiver's scheduled poll may be running at this moment: the documented 409 "try again shortly"
                for (int retry = 0; retry < 40 && r.status() == 409 && r.body().contains("\"poll_running\""); retry++) {
                    Thread.sleep(250);
                    r = api.send(method, concrete, body == null ? null : "application/json", body == null ? "" : body, "X-Contract-Test", "1");
                }
                JsonNode operation = spec.get("paths").get(template).get(method.toLowerCase());
                JsonNode responses = operation.get("responses");
                assertTrue(responses.has(Integer.toString(r.status())),
                        method + " " + template + " answered " + r.status() + ", documented " + responses.fieldNames().next() + "…: " + r.body());
                assertTrue(r.status() < 300, method + " " + template + " should succeed here: " + r);
                JsonNode content = responses.get(Integer.toString(r.status())).path("content");
                if (r.status() == 204) {
                    assertTrue(content.isMissingNode() && r.body().isEmpty(), method + " " + template + ": 204 has no body: " + r);
                    return;
                }
                if (!content.has("application/json")) {
                    // a download (text/csv): the documented type, and no JSON to compare
                    String type = content.fieldNames().hasNext() ? content.fieldNames().next() : null;
                    assertTrue(type != null && r.header("Content-Type").startsWith(type),
                            method + " " + template + " answered " + r.header("Content-Type") + ", documented " + type);
                    return;
                }
                JsonNode schema = resolve(spec, content.at("/application~1json/schema"));
                checkShape(spec, schema, r.json(), method + " " + template);
            }));
        }

        tests.add(DynamicTest.dynamicTest("an error body", () -> {
            BreachApi.Reply error = api.get("/incidents/nope");
            JsonNode errorSchema = resolve(spec, spec.at("/components/schemas/Error"));
            checkShape(spec, errorSchema, error.json(), "error body");
        }));
        return tests.stream();
    }

    /**
     * The transmitter side of SSF 1.0 and RFC 8936 as far as the receiver's admin operations reach it: metadata, OIDC
     * discovery, token, stream create/delete, verification, status, an empty poll and an empty JWKS.
     */
    private static HttpServer fakeTransmitter() throws IOException {
        HttpServer t = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String base = "http://127.0.0.1:" + t.getAddress().getPort();
        Map<String, String> answers = Map.of(
                "GET /.well-known/ssf-configuration/t", "{\"issuer\":\"" + base + "/t\",\"jwks_uri\":\"" + base + "/t/jwks\","
                        + "\"configuration_endpoint\":\"" + base + "/t/streams\",\"verification_endpoint\":\"" + base + "/t/verify\","
                        + "\"status_endpoint\":\"" + base + "/t/status\"}",
                "GET /t/.well-known/openid-configuration", "{\"token_endpoint\":\"" + base + "/t/token\"}",
                "POST /t/token", "{\"access_token\":\"contract-token\",\"token_type\":\"Bearer\"}",
                "POST /t/streams", "{\"stream_id\":\"s-1\",\"delivery\":{\"method\":\"urn:ietf:rfc:8936\",\"endpoint_url\":\"" + base
                        + "/t/poll\"},\"events_delivered\":[]}",
                "POST /t/poll", "{\"sets\":{},\"moreAvailable\":false}",
                "POST /t/status", "{}",
                "GET /t/jwks", "{\"keys\":[]}");
        t.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            String body = answers.get(key);
            if (body == null) {
                int status = key.equals("DELETE /t/streams") || key.equals("POST /t/verify") ? 204 : 404;
                exchange.sendResponseHeaders(status, -1);
            } else {
                byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(key.equals("POST /t/streams") ? 201 : 200, b.length);
                exchange.getResponseBody().write(b);
            }
            exchange.close();
        });
        t.start();
        return t;
    }

    private static void checkShape(JsonNode spec, JsonNode schema, JsonNode body, String where) {
        if (schema == null || schema.isMissingNode()) {
            return;
        }
        if ("array".equals(schema.path("type").asText())) {
            assertTrue(body.isArray(), where + ": expected an array");
            if (body.size() > 0) {
                checkShape(spec, resolve(spec, schema.get("items")), body.get(0), where + "[0]");
            }
            return;
        }
        java.util.Set<String> documented = new java.util.TreeSet<>();
        collectProperties(spec, schema, documented);
        if (documented.isEmpty()) {
            return;
        }
        assertTrue(body.isObject(), where + ": expected an object, got " + body);
        for (String property : documented) {
            assertTrue(body.has(property), where + ": documented property '" + property + "' missing in " + body);
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String property = it.next();
            assertTrue(documented.contains(property), where + ": property '" + property + "' is not documented");
        }
    }

    private static void collectProperties(JsonNode spec, JsonNode schema, java.util.Set<String> into) {
        if (schema.has("allOf")) {
            for (JsonNode part : schema.get("allOf")) {
                collectProperties(spec, resolve(spec, part), into);
            }
        }
        if (schema.has("properties")) {
            schema.get("properties").fieldNames().forEachRemaining(into::add);
        }
    }

    private static JsonNode resolve(JsonNode spec, JsonNode node) {
        if (node != null && node.has("$ref")) {
            return spec.at(node.get("$ref").asText().substring(1));
        }
        return node;
    }
}
