package dev.cqrs.orders.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cqrs.orders.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The write side's role cannot open the read database, nor the reverse: no code path can cross. */
class DatabaseRolesIT {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    @Test
    void eachRoleOpensItsOwnDatabase() throws SQLException {
        try (Connection write = TestDatabases.write(); Connection read = TestDatabases.read()) {
            assertEquals(1, TestDatabases.count(write, "SELECT 1"));
            assertEquals(1, TestDatabases.count(read, "SELECT 1"));
        }
    }

    @Test
    void theReadRoleCannotOpenTheWriteDatabase() {
        SQLException e = assertThrows(SQLException.class, () -> TestDatabases.connect("WRITE",
                TestDatabases.env("CQRS_WRITE_DB"), TestDatabases.env("CQRS_READ_USER"),
                TestDatabases.env("CQRS_READ_PASSWORD")).close());
        assertEquals(INSUFFICIENT_PRIVILEGE, e.getSQLState(), e.getMessage());
    }

    @Test
    void theWriteRoleCannotOpenTheReadDatabase() {
        SQLException e = assertThrows(SQLException.class, () -> TestDatabases.connect("READ",
                TestDatabases.env("CQRS_READ_DB"), TestDatabases.env("CQRS_WRITE_USER"),
                TestDatabases.env("CQRS_WRITE_PASSWORD")).close());
        assertEquals(INSUFFICIENT_PRIVILEGE, e.getSQLState(), e.getMessage());
    }
}
