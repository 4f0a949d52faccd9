package dev.cqrs.orders.readmodel;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.Set;

/**
 * A fault-suite mutant, packaged only into the test WAR ({@code Mutants}), half of "dedupe": the gate
 * applies an event the projections hold already, to all of them.
 */
@Alternative
@Priority(1000)
@ApplicationScoped
public class GateWithoutDuplicateCheckMutant extends ProjectionGate {

    @Override
    protected Verdict judge(int sequence, Projections.Held held, boolean parkedAhead) {
        Verdict verdict = super.judge(sequence, held, parkedAhead);
        return verdict == Verdict.DUPLICATE ? Verdict.APPLY : verdict;
    }

    @Override
    protected Set<Projection> skipping(Projections.Held held) {
        return Set.of();
    }
}
