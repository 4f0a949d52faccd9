package dev.cqrs.orders.readmodel;

import dev.cqrs.orders.eventstore.EventEnvelope;
import dev.cqrs.orders.eventstore.Upcasters;
import dev.cqrs.orders.eventstore.EventMessages;
import dev.cqrs.orders.platform.schema.SchemaMigrations;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * What the message-driven beans of the read side share: decode, upcast and hand to the intake. The
 * subclasses only say which queue they read. No JTA transaction around a delivery (so no XA): the
 * projection commits its own. An event that fails is parked and retried by the application
 * ({@link ProjectionIntake}); only an unreachable read_db makes Artemis deliver the message again,
 * which the projection recognizes if it was applied already.
 */
abstract class ProjectionListener implements MessageListener {

    @EJB
    SchemaMigrations schema;

    @Inject
    ProjectionIntake intake;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    Upcasters upcasters;

    // On onMessage itself. Placed on the subclasses until issue 5, the attribute did not reach this
    // inherited method, which ran REQUIRED (the guard below fires then): the container enlisted the
    // broker's session (XA) with read_db in one transaction, and a commit that failed on read_db's
    // side could lose the message (found by FaultSuiteIT). On this class, which declares onMessage
    // (EJB 3.2, 8.3.7.1), Payara honoured it and WildFly did not; on the method both do.
    // ArchitectureTest keeps it here.
    @Override
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void onMessage(Message message) {
        if (transactions.getTransactionStatus() != Status.STATUS_NO_TRANSACTION) {
            // The acknowledgement would be part of that transaction, not follow the projection's.
            throw new IllegalStateException(getClass().getSimpleName() + " is delivered in a container transaction;"
                    + " it must be NOT_SUPPORTED");
        }
        schema.ensureMigrated();
        EventEnvelope event = upcasters.upcast(EventMessages.decode(message));
        intake.deliver(event);
    }
}
