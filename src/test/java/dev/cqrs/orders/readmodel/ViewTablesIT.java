package dev.cqrs.orders.readmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.catalog.query.ProductViewsProjection;
import dev.cqrs.orders.customer.query.UserViewsProjection;
import dev.cqrs.orders.order.query.OrderViewsProjection;
import dev.cqrs.orders.reporting.query.SalesProjection;
import dev.cqrs.orders.testsupport.Deployments;
import dev.cqrs.orders.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each projection's tables, as the records of their rows describe them ({@link ViewTable}), are the
 * tables the read database's migrations made: every component a column, and every column without a
 * default a component (a row written from the record must fill it). Counter tables have their
 * {@code _deltas} table with the same columns.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ViewTablesIT {

    @Deployment(testable = false)
    static WebArchive application() {
        return Deployments.applicationAtRoot(); // its start migrates read_db
    }

    @Test
    void everyRecordMatchesItsTable() throws SQLException {
        List<Projection> projections = List.of(new OrderViewsProjection(), new ProductViewsProjection(),
                new UserViewsProjection(), new SalesProjection());
        int checked = 0;
        try (Connection read = TestDatabases.read()) {
            for (Projection projection : projections) {
                for (ViewTable<?> table : projection.tables()) {
                    check(read, table, table.name(), table.stamp());
                    if (table.isCounters()) {
                        check(read, table, table.deltas(), "delta_id");
                    }
                    checked++;
                }
            }
        }
        assertEquals(8, checked, "tables checked");
    }

    private static void check(Connection read, ViewTable<?> table, String name, String extra) throws SQLException {
        Set<String> components = new HashSet<>();
        table.columns().forEach(column -> components.add(column.name()));
        List<String> mandatory = new ArrayList<>();
        Set<String> columns = new HashSet<>();
        try (PreparedStatement query = read.prepareStatement("""
                SELECT column_name, is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'
                FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?""")) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    if (rs.getBoolean(2)) {
                        mandatory.add(rs.getString(1));
                    }
                }
            }
        }
        for (String component : components) {
            assertTrue(columns.contains(component), name + " has no column " + component + " (" + columns + ")");
        }
        for (String column : columns) {
            assertTrue(components.contains(column) || column.equals(extra),
                    name + "." + column + " is not in " + table.type().getSimpleName());
        }
        assertTrue(components.containsAll(mandatory), name + ": " + mandatory);
    }
}
