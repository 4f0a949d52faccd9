package dev.cqrs.orders.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.stream.Collectors;

/** What every error answer must be: problem+json of the expected kind, with no implementation detail. */
final class ProblemAssertions {

    private ProblemAssertions() {
    }

    static void assertProblem(OrderSystem.Answer answer, int status, String kind) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.header("Content-Type").orElse(""), answer.body());
        JsonObject problem = answer.json();
        assertEquals("urn:cqrs-orders:problem:" + kind, problem.getString("type"), answer.body());
        assertEquals(status, problem.getInt("status"));
        assertFalse(answer.body().contains("Exception") || answer.body().contains("at org."),
                "problem leaks implementation details: " + answer.body());
        assertTrue(problem.containsKey("title"));
    }

    /** The fields a problem names, in its order. */
    static List<String> fields(OrderSystem.Answer answer) {
        return answer.json().getJsonArray("errors").stream()
                .map(e -> e.asJsonObject().getString("field")).collect(Collectors.toList());
    }
}
