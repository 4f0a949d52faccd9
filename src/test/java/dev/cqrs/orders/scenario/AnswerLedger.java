package dev.cqrs.orders.scenario;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cqrs.orders.scenario.OrderModel.OrderAction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What clients were answered, written by any number of threads: each command's answer by class
 * (2xx, 4xx, 5xx), the refusals by status and problem type, and every acknowledged command with
 * when it was sent and answered and what it changes. {@link #fold} replays the acknowledged ones,
 * each aggregate's in the order of the versions they were told, into an {@link OrderModel}.
 * Placements take the product's price as folded: a run that changes prices while placing orders
 * concurrently cannot be folded from the answers (they do not say which price was captured).
 */
final class AnswerLedger {

    /** What an acknowledged command changes, once its aggregate and version are known. */
    @FunctionalInterface
    interface Change {
        void apply(OrderModel model, String aggregateId, int version);
    }

    /** A command as sent: its aggregate (null for a creation), its order action if any, its If-Match. */
    record Command(String description, String aggregateId, OrderAction action, Integer ifMatch) {
    }

    private record Acknowledged(int rank, String aggregateId, int version, Instant sent, Instant answered, Change change) {
    }

    private record Refused(Command command, int status, String problem, Instant sent, Instant answered) {
        String kind() {
            return status + " " + problem;
        }
    }

    /** Users and products are folded before the orders that name them. */
    private static final int REFERENCE = 0;
    private static final int ORDER = 1;

    private final ConcurrentLinkedQueue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Refused> refused = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> serverErrors = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();

    // --- commands, sent and booked ---------------------------------------------------------------

    String addProduct(OrderSystem system, String name, BigDecimal price) {
        return send(new Command("add product " + name, null, null, null), REFERENCE, "product_id",
                () -> system.postJson("products", "{\"name\":\"" + name + "\",\"price\":" + price.toPlainString() + "}"),
                (model, id, version) -> model.productAdded(id, version, name, price)).created("product_id");
    }

    String registerUser(OrderSystem system, String email) {
        return send(new Command("register user " + email, null, null, null), REFERENCE, "user_id",
                () -> system.postJson("users", "{\"email\":\"" + email + "\"}"),
                (model, id, version) -> model.userRegistered(id, version, email)).created("user_id");
    }

    /** Places an order and answers its id (failing unless the answer is a proper 201). */
    String placedOrder(OrderSystem system, String userId, String productId, int quantity) {
        return placeOrder(system, userId, productId, quantity).created("order_id");
    }

    OrderSystem.Answer placeOrder(OrderSystem system, String userId, String productId, int quantity) {
        Command command = new Command("place an order of " + productId + " for " + userId, null, null, null);
        return send(command, ORDER, "order_id", () -> system.postJson("orders", """
                {"user_id":"%s","product_id":"%s","quantity":%d}""".formatted(userId, productId, quantity)),
                (model, id, version) -> model.orderPlaced(id, version, userId, productId, quantity));
    }

    /** An action on an order, with {@code If-Match: "<ifMatch>"} unless it is null. */
    OrderSystem.Answer changeOrder(OrderSystem system, String orderId, OrderAction action, int quantity, Integer ifMatch) {
        Command command = new Command(action + (action == OrderAction.QUANTITY ? " " + quantity : "") + " order " + orderId,
                orderId, action, ifMatch);
        return send(command, ORDER, "order_id", () -> action.send(system, orderId, quantity, ifMatch(ifMatch)),
                (model, id, version) -> model.orderChanged(id, version, action, quantity));
    }

    OrderSystem.Answer renameProduct(OrderSystem system, String productId, String name, Integer ifMatch) {
        Command command = new Command("rename product " + productId + " to " + name, productId, null, ifMatch);
        return send(command, REFERENCE, "product_id",
                () -> system.putJson("products/" + productId, "{\"name\":\"" + name + "\"}", ifMatch(ifMatch)),
                (model, id, version) -> model.productChanged(id, version, name, null));
    }

    OrderSystem.Answer changeEmail(OrderSystem system, String userId, String email, Integer ifMatch) {
        Command command = new Command("change the e-mail of user " + userId + " to " + email, userId, null, ifMatch);
        return send(command, REFERENCE, "user_id",
                () -> system.putJson("users/" + userId, "{\"email\":\"" + email + "\"}", ifMatch(ifMatch)),
                (model, id, version) -> model.emailChanged(id, version, email));
    }

    private static String[] ifMatch(Integer version) {
        return version == null ? new String[0] : new String[] {"If-Match", "\"" + version + "\""};
    }

    private OrderSystem.Answer send(Command command, int rank, String idField, Supplier<OrderSystem.Answer> request,
                                    Change change) {
        Instant sent = Instant.now();
        OrderSystem.Answer answer = request.get();
        Instant answered = Instant.now();
        switch (answer.status() / 100) {
            case 2 -> acknowledged.add(new Acknowledged(rank, answer.json().getString(idField), answer.json().getInt("version"),
                    sent, answered, change));
            case 4 -> {
                Refused refusal = new Refused(command, answer.status(), problemType(answer), sent, answered);
                refused.add(refusal);
                refusals.computeIfAbsent(refusal.kind(), k -> new AtomicInteger()).incrementAndGet();
            }
            default -> serverErrors.add(command.description() + " -> " + answer.status() + " " + answer.body());
        }
        return answer;
    }

    private static String problemType(OrderSystem.Answer answer) {
        if (!answer.header("Content-Type").orElse("").startsWith("application/problem+json")) {
            return "(not a problem: " + answer.header("Content-Type").orElse("no Content-Type") + ")";
        }
        return answer.json().getString("type", "(no type)").replace("urn:cqrs-orders:problem:", "");
    }

    // --- what was answered -----------------------------------------------------------------------

    int acknowledged() {
        return acknowledged.size();
    }

    /** Acknowledged commands sent after {@code from} and answered before {@code to}. */
    long acknowledgedWithin(Instant from, Instant to) {
        return acknowledged.stream().filter(a -> a.sent().isAfter(from) && a.answered().isBefore(to)).count();
    }

    /** Refusals by status and problem type, e.g. {@code 409 invalid-transition -> 12}. */
    Map<String, Integer> refusals() {
        Map<String, Integer> counts = new TreeMap<>();
        refusals.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    /** Every answer that was neither 2xx nor 4xx, with its command. */
    List<String> serverErrors() {
        return List.copyOf(serverErrors);
    }

    /** The model that the acknowledged commands make, each aggregate's in version order. */
    OrderModel fold() {
        OrderModel model = new OrderModel();
        acknowledged.stream()
                .sorted(Comparator.comparingInt(Acknowledged::rank).thenComparingInt(Acknowledged::version))
                .forEach(a -> a.change().apply(model, a.aggregateId(), a.version()));
        return model;
    }

    /**
     * Checks every refusal the model can judge: a 409 for a forbidden transition must be one at the
     * version the order was at (the If-Match version, which the service checks first as RFC 9110
     * evaluates preconditions first; or the version it certainly had while the request ran), and a
     * 412 must not be answered while the aggregate was at the If-Match version throughout.
     * Answers how many refusals it could judge.
     */
    int assertRefusalsJustified(OrderModel model) {
        int judged = 0;
        for (Refused refusal : refused) {
            Command command = refusal.command();
            OptionalInt certain = command.aggregateId() == null ? OptionalInt.empty()
                    : certainVersion(command.aggregateId(), refusal.sent(), refusal.answered());
            if (refusal.kind().equals("409 invalid-transition") && command.action() != null) {
                OptionalInt at = command.ifMatch() != null ? OptionalInt.of(command.ifMatch()) : certain;
                if (at.isPresent()) {
                    String status = model.statusAt(command.aggregateId(), at.getAsInt());
                    assertTrue(!command.action().allowedFrom(status), command.description() + " was refused (409) at version "
                            + at.getAsInt() + ", when the order was " + status + ", which allows it");
                    judged++;
                }
            } else if (refusal.status() == 412) {
                assertTrue(command.ifMatch() != null, command.description() + ": 412 without If-Match");
                assertTrue(certain.isEmpty() || certain.getAsInt() != command.ifMatch(), command.description()
                        + ": 412 for If-Match \"" + command.ifMatch() + "\" while the aggregate was at that version throughout");
                judged++;
            }
        }
        return judged;
    }

    /**
     * The version {@code aggregateId} had for the whole of [sent, answered], when the acknowledgements
     * show it: the one acknowledged before {@code sent}, if the next one was sent after {@code answered}.
     */
    private OptionalInt certainVersion(String aggregateId, Instant sent, Instant answered) {
        List<Acknowledged> history = new ArrayList<>();
        acknowledged.stream().filter(a -> a.aggregateId().equals(aggregateId)).forEach(history::add);
        history.sort(Comparator.comparingInt(Acknowledged::version));
        Optional<Acknowledged> before = history.stream().filter(a -> a.answered().isBefore(sent))
                .max(Comparator.comparingInt(Acknowledged::version));
        if (before.isEmpty()) {
            return OptionalInt.empty();
        }
        int version = before.get().version();
        boolean stable = history.stream().filter(a -> a.version() == version + 1).allMatch(a -> a.sent().isAfter(answered));
        return stable ? OptionalInt.of(version) : OptionalInt.empty();
    }
}
