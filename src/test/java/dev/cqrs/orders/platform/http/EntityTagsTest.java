package dev.cqrs.orders.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.problem.InvalidInputException;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** If-None-Match as RFC 9110 §13.1.2 reads it, and the tags of the views' answers. */
class EntityTagsTest {

    @ParameterizedTest
    @ValueSource(strings = {"\"3.abc\"", "W/\"3.abc\"", "*", " * ", "\"1\", \"3.abc\"", "W/\"x\",W/\"3.abc\"", ", \"3.abc\",, "})
    void aConditionThatNamesTheCurrentTagEvenWeaklyMatches(String ifNoneMatch) {
        assertThat(EntityTags.parse("If-None-Match", ifNoneMatch).matchesWeakly("3.abc")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"3\"", "\"3.abd\"", "W/\"3\"", "\"\"", "", " , ", "\"3.ABC\"", "\"4.abc\""})
    void aWellFormedConditionThatNamesItNotDoesNotMatch(String ifNoneMatch) {
        assertThat(EntityTags.parse("If-None-Match", ifNoneMatch).matchesWeakly("3.abc")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.abc", "\"3.abc", "\"3\" \"4\"", "w/\"3\"", "*, \"3\"", "'3'", "\"a b\""})
    void aHeaderOutsideTheGrammarIsA400NamingIt(String ifNoneMatch) {
        assertThatThrownBy(() -> EntityTags.parse("If-None-Match", ifNoneMatch)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.errors()).singleElement().satisfies(error -> assertThat(error.field()).isEqualTo("If-None-Match")));
    }

    @Test
    void noHeaderIsNoCondition() {
        assertThat(EntityTags.parse("If-None-Match", null)).isNull();
    }

    @Test
    void aViewsTagIsItsVersionAndADigestOfItsBytesWhichChangesWithAnyOfThem() {
        JsonObject order = JsonSupport.object().add("order_id", "o").add("product_name", "Tea").add("version", 3).build();
        Representation answer = Representation.of(order);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(order.toString());
        assertThat(answer.tag()).matches("3\\.[A-Za-z0-9_-]{16}");
        assertThat(Representation.of(order).tag()).isEqualTo(answer.tag());
        JsonObject renamed = JsonSupport.object().add("order_id", "o").add("product_name", "Green tea").add("version", 3).build();
        assertThat(Representation.of(renamed).tag()).startsWith("3.").isNotEqualTo(answer.tag());
        JsonObject list = JsonSupport.object().add("items", JsonSupport.array()).build();
        assertThat(Representation.of(list).tag()).matches("[A-Za-z0-9_-]{16}");
    }

    @Test
    void operationalAnswersAreToldApartFromViews() {
        assertThat(ViewValidators.isOperational("admin/projections")).isTrue();
        assertThat(ViewValidators.isOperational("/commands/abc")).isTrue();
        assertThat(ViewValidators.isOperational("health/ready")).isTrue();
        assertThat(ViewValidators.isOperational("orders/abc")).isFalse();
        assertThat(ViewValidators.isOperational("administrators")).isFalse();
        assertThat(ViewValidators.isOperational("")).isFalse();
    }
}
