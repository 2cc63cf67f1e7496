package dev.breachresponse.keycloak.incident.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class MultiRowInsertTest {

    @Test
    void onePlaceholderGroupPerRow() {
        assertEquals("insert into T (A, B) values (?, ?), (?, ?), (?, ?)", MultiRowInsert.sql("T", List.of("A", "B"), 3));
        assertEquals("insert into T (A) values (?)", MultiRowInsert.sql("T", List.of("A"), 1));
        assertEquals("insert ignore into T (A, B) values (?, ?), (?, ?)", MultiRowInsert.sql("insert ignore into", "T", List.of("A", "B"), 2));
    }
}
