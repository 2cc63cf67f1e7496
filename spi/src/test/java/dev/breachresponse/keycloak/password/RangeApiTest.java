package dev.breachresponse.keycloak.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RangeApiTest {

    @Test
    void aRangeAnswersCountsAndSkipsPadding() {
        String sha1 = Sha1Hex.of("P@ssw0rd");
        String suffix = sha1.substring(5);
        String body = "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n" + suffix + ":73\r\n" + "00D4F6E8FA6EECAD2A3AA415EEC418D38EC:0\r\n";
        RangeApi.Range r = RangeApi.Range.parse(body, 0);
        assertNotNull(r);
        assertEquals(2, r.size(), "the padding line (count 0) is dropped");
        assertEquals(73, r.count(suffix));
        assertEquals(1, r.count("0018A45C4D1DEF81644B54AB7F969B88D65"));
        assertEquals(0, r.count("00D4F6E8FA6EECAD2A3AA415EEC418D38EC"), "padding is not a hit");
        assertEquals(0, r.count(Sha1Hex.of("something else").substring(5)));
    }

    @Test
    void aMalformedAnswerIsRefusedWhole() {
        assertNull(RangeApi.Range.parse("<html>rate limited</html>", 0));
        assertNull(RangeApi.Range.parse("0018A45C4D1DEF81644B54AB7F969B88D65:x\n", 0));
        assertNull(RangeApi.Range.parse("0018A45C4D1DEF81644B54AB7F969B88D6Z:1\n", 0));
        assertNotNull(RangeApi.Range.parse("", 0), "an empty range is a valid answer");
    }

    @Test
    void hitsAreKeptAsBandsNotCounts() {
        assertEquals("1", verdict(1, "range").band());
        assertEquals("2-9", verdict(9, "offline").band());
        assertEquals("10-99", verdict(10, "offline").band());
        assertEquals("1000-9999", verdict(3_861, "range").band());
        assertEquals("100000+", verdict(52_256_179, "range").band());
        assertEquals("custom list", verdict(Long.MAX_VALUE, "custom").band());
    }

    private static BreachedPasswords.Verdict verdict(long count, String source) {
        return new BreachedPasswords.Verdict(BreachedPasswords.Result.BREACHED, count, source, null);
    }

    @Test
    void theHashIsUpperCaseSha1() {
        assertEquals("21BD12DC183F740EE76F27B78EB39C8AD972A757", Sha1Hex.of("P@ssw0rd"));
    }
}
