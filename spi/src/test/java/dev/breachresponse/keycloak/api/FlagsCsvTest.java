package dev.breachresponse.keycloak.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.ListedFlag;

class FlagsCsvTest {

    @ParameterizedTest(name = "[{0}] → [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "=HYPERLINK(\"http://x\")|`\"'=HYPERLINK(\"\"http://x\"\")\"`",
        "+1 555|'+1 555",
        "-2+3|'-2+3",
        "@SUM(A1)|'@SUM(A1)",
        "jane.doe@example.com|jane.doe@example.com",
        "a=b|a=b",
        "doe, jane|`\"doe, jane\"`",
        "say \"hi\"|`\"say \"\"hi\"\"\"`",
    })
    void formulaStartsGetAQuoteAndSpecialCharactersAreQuoted(String value, String expected) {
        assertEquals(expected, FlagsCsv.cell(value));
    }

    @Test
    void tabAndCarriageReturnStartsAreEscapedAndLineBreaksQuoted() {
        assertEquals("'\tcmd", FlagsCsv.cell("\tcmd"));
        assertEquals("\"'\rcmd\"", FlagsCsv.cell("\rcmd"));
        assertEquals("\"two\nlines\"", FlagsCsv.cell("two\nlines"));
    }

    @Test
    void missingValuesAreEmptyCells() {
        assertEquals("", FlagsCsv.cell(null));
        assertEquals("", FlagsCsv.cell(""));
    }

    @Test
    void aRowHasTheHeadersColumnsWithIsoTimeAndCrlf() {
        long at = Instant.parse("2026-11-03T10:15:30Z").toEpochMilli();
        Flag flag = new Flag("f1", "r1", new IncidentKey("leak"), true, "u-1", FlagState.STEPPED_UP, at, Actor.admin("a"),
                null, null, null, null, null, null, null, null, 0, null, List.of(), at);
        assertEquals("u-1,'-x,,STEPPED_UP,2026-11-03T10:15:30Z\r\n",
                FlagsCsv.row(new ListedFlag(flag, "-x", null)));
        assertEquals(5, FlagsCsv.HEADER.split(",").length);
    }
}
