package dev.cqrs.orders.readmodel;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;

/** Starts the read cache's looks at {@code view_changes} with the application, after the migrations that made it; stops them and the change feed with it. */
@Startup
@Singleton
@DependsOn("SchemaMigrations")
@TransactionManagement(TransactionManagementType.BEAN)
public class ViewCacheStartup {

    @Inject
    ViewCache cache;

    @Inject
    ViewChangeFeed feed;

    @PostConstruct
    void start() {
        cache.start();
    }

    @PreDestroy
    void stop() {
        feed.stop();
        cache.stop();
    }
}
