package dev.cqrs.orders.order;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.catalog.command.AddProductCommand;
import dev.cqrs.orders.catalog.command.AddProductHandler;
import dev.cqrs.orders.customer.command.RegisterCustomerCommand;
import dev.cqrs.orders.customer.command.RegisterCustomerHandler;
import dev.cqrs.orders.order.command.PlaceOrderCommand;
import dev.cqrs.orders.order.command.PlaceOrderHandler;
import dev.cqrs.orders.order.query.OrderView;
import dev.cqrs.orders.platform.command.CommandGateway;
import dev.cqrs.orders.platform.command.CommandResult;
import dev.cqrs.orders.testsupport.Broker;
import dev.cqrs.orders.testsupport.Deployments;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In-container, on Payara Micro with the real PostgreSQL and Artemis of the test stack: an order
 * placed through the real command handler reaches {@code order_views} through the outbox, Artemis,
 * the message-driven bean and the projection, and through nothing else.
 */
@ExtendWith(ArquillianExtension.class)
class OrderFlowIT {

    private static final Duration PROPAGATION = Duration.ofSeconds(30);

    @Deployment
    static WebArchive deployment() {
        return Deployments.applicationWithTests("order-flow-it.war");
    }

    @Inject
    AddProductHandler addProduct;

    @Inject
    RegisterCustomerHandler registerCustomer;

    @Inject
    PlaceOrderHandler placeOrder;

    @Inject
    CommandGateway commands;

    @Resource(lookup = "jdbc/cqrs-write")
    DataSource writeDb;

    @Resource(lookup = "jdbc/cqrs-read")
    DataSource readDb;

    @Test
    void anOrderPlacedRightAfterItsProductAndCustomerArrivesCompleteInTheView() {
        String email = "ada-" + UUID.randomUUID() + "@example.com";
        CommandResult product = command(() -> addProduct.handle(new AddProductCommand("Espresso beans 1kg", new BigDecimal("24.90"))));
        CommandResult customer = command(() -> registerCustomer.handle(new RegisterCustomerCommand(email)));
        CommandResult order = command(() -> placeOrder.handle(new PlaceOrderCommand(customer.aggregateId(), product.aggregateId(), 3)));

        assertEquals(1, order.version());
        JsonObject view = awaitView(order.aggregateId()).toJson();
        assertEquals(order.aggregateId().toString(), view.getString("order_id"));
        assertEquals(customer.aggregateId().toString(), view.getString("user_id"));
        assertEquals(product.aggregateId().toString(), view.getString("product_id"));
        assertEquals(3, view.getInt("quantity"));
        assertEquals("PENDING", view.getString("status"));
        assertEquals("Espresso beans 1kg", view.getString("product_name"));
        assertEquals(email, view.getString("user_email"));
        assertEquals(new BigDecimal("74.70"), view.getJsonNumber("total_price").bigDecimalValue());
        assertEquals(1, view.getInt("version"));
    }

    @Test
    void viewsWaitWhileTheBrokerIsPausedAndCatchUpWhenItResumes() throws Exception {
        CommandResult product = command(() -> addProduct.handle(new AddProductCommand("Filter papers", new BigDecimal("3.50"))));
        CommandResult customer = command(() -> registerCustomer.handle(new RegisterCustomerCommand("bob-" + UUID.randomUUID() + "@example.com")));
        CommandResult order;
        Broker.pause();
        try {
            // Commands do not wait for the broker: the outbox holds their events.
            order = command(() -> placeOrder.handle(new PlaceOrderCommand(customer.aggregateId(), product.aggregateId(), 2)));
            UUID orderId = order.aggregateId();
            // Held for 3 s; atMost leaves room for a slow machine's polls (it failed once in CI at 5 s).
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> find(orderId).isEmpty());
            assertTrue(inOutbox(orderId), "the event waits in the outbox while the broker is paused");
        } finally {
            Broker.resume();
        }
        UUID orderId = order.aggregateId();
        assertEquals("Filter papers", awaitView(orderId).toJson().getString("product_name"));
        await().atMost(PROPAGATION).until(() -> !inOutbox(orderId));
    }

    @Test
    void aBatchHoldingAnEventTheBrokerAlreadyHasStillGoesThrough() throws Exception {
        CommandResult product = command(() -> addProduct.handle(new AddProductCommand("Grinder", new BigDecimal("89.00"))));
        CommandResult customer = command(() -> registerCustomer.handle(new RegisterCustomerCommand("cy-" + UUID.randomUUID() + "@example.com")));
        UUID delivered = command(() -> placeOrder.handle(new PlaceOrderCommand(customer.aggregateId(), product.aggregateId(), 1))).aggregateId();
        awaitView(delivered);
        await().atMost(PROPAGATION).until(() -> !inOutbox(delivered));
        UUID next;
        Broker.pause();
        try {
            // As if the app had crashed after the broker's acknowledgement, before the outbox delete.
            execute("INSERT INTO outbox (aggregate_id, sequence, aggregate_type) VALUES (?, 1, 'order')", delivered);
            next = command(() -> placeOrder.handle(new PlaceOrderCommand(customer.aggregateId(), product.aggregateId(), 2))).aggregateId();
            // Long enough for the relay's first attempt to time out (5 s) and for the sweep to queue
            // the old event, so that both go out in one batch once the broker is back.
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(15)).until(() -> find(next).isEmpty());
        } finally {
            Broker.resume();
        }
        assertEquals(2, awaitView(next).toJson().getInt("quantity"));
        await().atMost(PROPAGATION).until(() -> !inOutbox(delivered) && !inOutbox(next));
        assertEquals(1, find(delivered).orElseThrow().version());
    }

    /** A command in the unit of work every command runs in (the resources' way in). */
    private CommandResult command(Supplier<CommandResult> handler) {
        CommandResult[] result = new CommandResult[1];
        commands.execute(new CommandGateway.Request(null, "POST", "order-flow-it", null), handler, done -> {
            result[0] = done;
            return Response.ok().build();
        });
        return result[0];
    }

    private Optional<OrderView> find(UUID orderId) throws SQLException {
        try (Connection connection = readDb.getConnection()) {
            return OrderView.TABLE.find(connection, orderId);
        }
    }

    private void execute(String sql, Object parameter) throws SQLException {
        try (Connection connection = writeDb.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            statement.executeUpdate();
        }
    }

    private OrderView awaitView(UUID orderId) {
        return await().atMost(PROPAGATION).until(() -> find(orderId), Optional::isPresent).orElseThrow();
    }

    private boolean inOutbox(UUID aggregateId) throws SQLException {
        try (Connection connection = writeDb.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM outbox WHERE aggregate_id = ?")) {
            query.setObject(1, aggregateId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }
}
