#!/usr/bin/env bash
# Runs a local Keycloak (from the Maven Central distribution) with Breach Response installed, on the embedded
# H2 database, imports the demo realm, patches its login flows (POST .../setup) and flags the demo user "bob"
# in a demo incident. Ctrl-C stops it.
# Needs only a JDK 17+; everything else comes through ./mvnw. State lives in .demo/ (delete it to start over).
set -euo pipefail
cd "$(dirname "$0")"

PORT="${PORT:-8080}"
MGMT_PORT="${MGMT_PORT:-9000}"
DEMO_DIR="$PWD/.demo"
KC_VERSION=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml | head -1)
PROJECT_VERSION=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
JAR="spi/target/keycloak-breach-response-${PROJECT_VERSION}.jar"
KC_HOME="$DEMO_DIR/keycloak-${KC_VERSION}"
REALM=breach-demo
BOB_ID=7a4c1c55-5b0e-4c7e-9a55-2a1f0d000002

echo "==> Building the extension jar"
./mvnw -B -q -DskipTests -pl spi -am package

if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  echo "==> Fetching Keycloak ${KC_VERSION} (keycloak-quarkus-dist) through Maven"
  ./mvnw -B -q -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:${KC_VERSION}:zip" -DoutputDirectory="$DEMO_DIR" \
    -Dmdep.overWriteReleases=true  # unpack again after .demo was deleted (the plugin keeps markers in target/)
fi
rm -f "$KC_HOME"/providers/keycloak-breach-response-*.jar
cp "$JAR" "$KC_HOME/providers/"
mkdir -p "$KC_HOME/data/import"
cp demo/breach-demo-realm.json "$KC_HOME/data/import/"

echo "==> Starting Keycloak on http://localhost:${PORT} (log: $DEMO_DIR/keycloak.log)"
KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
  "$KC_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$PORT" --http-management-port="$MGMT_PORT" \
  --health-enabled=true --import-realm >"$DEMO_DIR/keycloak.log" 2>&1 &
KC_PID=$!
trap 'echo; echo "==> Stopping Keycloak"; kill $KC_PID 2>/dev/null; wait $KC_PID 2>/dev/null; exit 0' INT TERM

for _ in $(seq 1 300); do
  if curl -fs "http://127.0.0.1:${MGMT_PORT}/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 $KC_PID 2>/dev/null; then echo "Keycloak exited; see $DEMO_DIR/keycloak.log" >&2; exit 1; fi
  sleep 1
done
curl -fs "http://127.0.0.1:${MGMT_PORT}/health/ready" >/dev/null || { echo "Keycloak did not become ready" >&2; exit 1; }

echo "==> Setting up login enforcement and flagging bob in the demo incident through the admin API"
TOKEN=$(curl -fs -d grant_type=password -d client_id=admin-cli -d username=admin -d password=admin \
  "http://localhost:${PORT}/realms/master/protocol/openid-connect/token" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
API="http://localhost:${PORT}/admin/realms/${REALM}/breach-response"
SETUP=$(curl -fs -H "Authorization: Bearer $TOKEN" -X POST "$API/setup")
CONSOLE=$(printf '%s' "$SETUP" | sed -n 's/.*"consoleUrl":"\([^"]*\)".*/\1/p')
curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X POST "$API/incidents" \
  -d '{"id":"demo-vendor-leak","title":"Demo: analytics vendor leaked developer emails and locations","exposedData":["email","name","location"]}'
curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" -X PUT "$API/incidents/demo-vendor-leak/flags/${BOB_ID}"

cat <<INFO

  Breach Response demo is running (Ctrl-C to stop).

  Admin console   http://localhost:${PORT}/admin/          admin / admin
  Demo realm      http://localhost:${PORT}/realms/${REALM}/account/
                    alice / alice-demo-password            not exposed
                    bob   / bob-demo-password              flagged in incident "demo-vendor-leak":
                                                             sign in at the account console to meet the
                                                             breach notice and the choice of a second factor
                    incident-admin / incident-admin-demo-password   may call the API (manage-users)
  Incident console ${CONSOLE:-see POST ${API}/setup, consoleUrl}   incident-admin (its realm page needs view-realm)
  Incident API    ${API}/incidents
  Bob's flags     ${API}/users/${BOB_ID}/flags

  Try:  TOKEN=\$(curl -s -d grant_type=password -d client_id=admin-cli -d username=incident-admin \\
          -d password=incident-admin-demo-password http://localhost:${PORT}/realms/${REALM}/protocol/openid-connect/token \\
          | sed -n 's/.*"access_token":"\\([^"]*\\)".*/\\1/p')
        curl -s -H "Authorization: Bearer \$TOKEN" ${API}/incidents/demo-vendor-leak/flags

INFO
wait $KC_PID
