package dev.cqrs.orders.platform.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cqrs.orders.platform.problem.InvalidInputException;
import dev.cqrs.orders.platform.problem.VersionMismatchException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** If-Match as RFC 9110 §13.1.1 reads it, against an aggregate at version 3. */
class ExpectedVersionTest {

    private static final UUID ID = UUID.randomUUID();

    @ParameterizedTest
    @ValueSource(strings = {"\"3\"", " \"3\" ", "*", "\"1\", \"3\"", "\"3\",\"4\"", "W/\"3\", \"3\"", ", \"3\",, ",
            "\"7\"\t,\t\"3\"", "\"x\", \"3\"", "\"3.kZ0_a-9xQw3tY7mP\"", "\"2.x\", \"3.x\""})
    void aConditionThatNamesTheCurrentVersionStronglyHolds(String ifMatch) {
        assertThatCode(() -> ExpectedVersion.fromIfMatch(ifMatch).check("order", ID, 3)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0\"", "\"2\"", "\"7\", \"99999\"", "W/\"3\"", "W/\"3\", W/\"4\"", "\"03\"",
            "\"abc\"", "\"\"", "\"99999999999999999999\"", "", ",", " , ", "\"<3>\"", "\"3.\"", "\"30.x\"",
            "\"03.x\"", "W/\"3.x\"", "\".3\"", "\"3x\""})
    void aWellFormedConditionThatNamesItNotIsA412(String ifMatch) {
        ExpectedVersion condition = ExpectedVersion.fromIfMatch(ifMatch);
        assertThatThrownBy(() -> condition.check("order", ID, 3)).isInstanceOf(VersionMismatchException.class)
                .hasMessageContaining("is at version 3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "yesterday", "\"3", "3\"", "\"3\" \"4\"", "\"3\"x", "w/\"3\"", "W/3", "W/ \"3\"",
            "*, \"3\"", "\"3\", *", "\"a\"b\"", "\"tab\there\"", "\"\u0100\"", "'3'", "\"3\";q=1", "\"3 \""})
    void aHeaderOutsideTheGrammarIsA400NamingIt(String ifMatch) {
        assertThatThrownBy(() -> ExpectedVersion.fromIfMatch(ifMatch)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.errors()).singleElement().satisfies(error -> assertThat(error.field()).isEqualTo("If-Match")));
    }

    @Test
    void noHeaderIsAnyVersionAndOneVersionsTagIsNamedInTheAnswer() {
        assertThatCode(() -> ExpectedVersion.fromIfMatch(null).check("order", ID, 3)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ExpectedVersion.fromIfMatch("\"2\"").check("order", ID, 3))
                .hasMessage("order " + ID + " is at version 3, not 2 as If-Match requires: read it again, then decide");
        assertThatThrownBy(() -> ExpectedVersion.fromIfMatch("\"<b>\"").check("order", ID, 3))
                .hasMessageNotContaining("<b>");
    }
}
