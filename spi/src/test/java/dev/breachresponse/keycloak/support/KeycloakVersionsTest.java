package dev.breachresponse.keycloak.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The supported-range check: numeric, bounded on both sides, fail closed on what it cannot read. */
class KeycloakVersionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"26.4.7", "26.4.8", "26.5.0", "26.5.6", "26.5.7", "26.5.10", "26.6.0", "26.6.3", "26.7.0", "26.7.3", "26.7.99", "26.5.6.redhat-00001", "26.7.0-SNAPSHOT"})
    void inside(String version) {
        assertTrue(KeycloakVersions.supported(version), version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"26.4.6", "26.4.0", "26.3.5", "26.0.0", "25.0.6", "26.8.0", "26.10.0", "27.0.0", "999.0.0-SNAPSHOT", "26.7", "26", "x.y.z", "26.7.0x", " "})
    void outside(String version) {
        assertFalse(KeycloakVersions.supported(version), version);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void unreadableIsRefused(String version) {
        assertFalse(KeycloakVersions.supported(version));
    }

    @Test
    void numbersCompareAsNumbersNotText() {
        assertArrayEquals(new int[] {26, 10, 2}, KeycloakVersions.parse("26.10.2"));
        assertFalse(KeycloakVersions.supported("26.10.2")); // "26.10" > "26.8" numerically, < as text
        assertNull(KeycloakVersions.parse("26.99999999999.0"));
    }

    @Test
    void partsThatNeedANewerKeycloakSayFromWhich() {
        assertTrue(KeycloakVersions.supportedFrom("26.7.0", "26.7.0"));
        assertTrue(KeycloakVersions.supportedFrom("26.7.3", "26.7.0"));
        assertFalse(KeycloakVersions.supportedFrom("26.5.6", "26.7.0"));
        assertFalse(KeycloakVersions.supportedFrom("26.4.7", "26.7.0"));
        assertFalse(KeycloakVersions.supportedFrom("26.8.0", "26.7.0"), "outside the supported range altogether");
        assertFalse(KeycloakVersions.supportedFrom(null, "26.7.0"));
    }

    @Test
    void boundsAreInTheirOwnRange() {
        assertTrue(KeycloakVersions.supported(KeycloakVersions.MINIMUM));
        assertFalse(KeycloakVersions.supported(KeycloakVersions.BELOW));
        assertTrue(KeycloakVersions.RANGE.startsWith(KeycloakVersions.MINIMUM));
    }

    @Test
    void theVersionCompiledAgainstIsSupported() {
        // the unit tests run on the Keycloak the jar compiles against (keycloak.version in pom.xml)
        assertEquals(org.keycloak.common.Version.VERSION, KeycloakVersions.running());
        assertTrue(KeycloakVersions.runningSupported(), KeycloakVersions.running());
    }
}
