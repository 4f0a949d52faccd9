package dev.cqrs.orders.platform.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** What the read side runs again at once (a deadlock, a serialization conflict) and what it does not. */
class SqlStatesTest {

    private static RuntimeException wrapped(String sqlState) {
        return new IllegalStateException("projecting failed",
                new RuntimeException("pool wrapper", new SQLException("ERROR", sqlState)));
    }

    @Test
    void aDeadlockOrASerializationFailureAnywhereInTheChainIsATransientConflict() {
        assertThat(SqlStates.isTransientConflict(wrapped("40P01"))).isTrue();
        assertThat(SqlStates.isTransientConflict(wrapped("40001"))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(SqlStates.isTransientConflict(wrapped("23505"))).isFalse();
        assertThat(SqlStates.isTransientConflict(wrapped("08006"))).isFalse();
        assertThat(SqlStates.isTransientConflict(new IllegalStateException("no SQL state"))).isFalse();
    }
}
