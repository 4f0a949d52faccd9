package dev.cqrs.orders.platform.schema;

import dev.cqrs.orders.platform.persistence.Resources;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;

/**
 * Brings both databases to the current schema while the application starts. Message consumers and
 * the outbox relay call {@link #ensureMigrated()} first: the container completes this singleton's
 * initialization before any call reaches it, so no message can hit a missing table.
 *
 * <p>Bean-managed transactions, so that no JTA transaction surrounds start-up: Flyway commits each
 * migration itself, and opening both databases in one JTA transaction would need XA.
 */
@Startup
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class SchemaMigrations {

    private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());

    @Resource(lookup = Resources.WRITE_DB)
    DataSource writeDb;

    @Resource(lookup = Resources.READ_DB)
    DataSource readDb;

    private volatile boolean migrated;

    @PostConstruct
    void migrate() {
        migrateDatabase("write_db", writeDb, "classpath:db/write");
        grantEventReader();
        migrateDatabase("read_db", readDb, "classpath:db/read");
        migrated = true;
    }

    /** Returns once both schemas are current; throws if migrations failed. */
    public void ensureMigrated() {
        if (!migrated) {
            throw new IllegalStateException("database migrations have not completed");
        }
    }

    public boolean isMigrated() {
        return migrated;
    }

    /**
     * Lets the event store's read-only role ({@code cqrs.events.user}, env {@code CQRS_EVENTS_USER})
     * read the event store and nothing else of write_db: the path a projection rebuild, the
     * verifier and the lag monitor take. Repeated at every start (cheap, and tables a later
     * migration adds to the event store are covered by changing this list).
     */
    private void grantEventReader() {
        String role = ConfigProvider.getConfig().getOptionalValue("cqrs.events.user", String.class).orElse("");
        if (!role.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalStateException("cqrs.events.user (CQRS_EVENTS_USER) must name the event store's "
                    + "read-only PostgreSQL role (lower-case letters, digits, _), not '" + role + "'");
        }
        try (Connection connection = writeDb.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("GRANT SELECT ON events, event_log, event_sequencer TO " + role);
        } catch (SQLException e) {
            throw new IllegalStateException("granting the event store's read-only role " + role + " failed: " + e, e);
        }
    }

    // Not an overload of migrate(): GlassFish finds lifecycle callbacks by name and may pick the wrong one.
    private void migrateDatabase(String name, DataSource dataSource, String location) {
        var result = Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(location)
                .load()
                .migrate();
        LOG.info(() -> name + ": " + result.migrationsExecuted + " migration(s) applied, schema at version "
                + (result.targetSchemaVersion != null ? result.targetSchemaVersion : "unchanged"));
    }
}
