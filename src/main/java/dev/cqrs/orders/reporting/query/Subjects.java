package dev.cqrs.orders.reporting.query;

import dev.cqrs.orders.platform.persistence.Jdbc;
import dev.cqrs.orders.platform.problem.AggregateNotFoundException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The user or product a report is about, as its feature's view names it today. A report of a
 * subject the views do not know is a 404, even when its counters would be zero.
 */
final class Subjects {

    private static final String USER_EMAIL = "SELECT email FROM user_views WHERE user_id = ?";
    private static final String PRODUCT_NAME = "SELECT name FROM product_views WHERE product_id = ?";

    private Subjects() {
    }

    static String userEmail(Connection connection, UUID id, String idText) throws SQLException {
        return first(connection, USER_EMAIL, id, "user", idText);
    }

    static String productName(Connection connection, UUID id, String idText) throws SQLException {
        return first(connection, PRODUCT_NAME, id, "product", idText);
    }

    private static String first(Connection connection, String sql, UUID id, String what, String idText)
            throws SQLException {
        return Jdbc.rows(connection, sql, rs -> rs.getString(1), id).stream().findFirst()
                .orElseThrow(() -> new AggregateNotFoundException(what, idText));
    }
}
