package dev.cqrs.orders.readmodel;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * A fault-suite mutant, packaged only into the test WAR ({@code Mutants}): the gate applies an
 * order's events as they come, past gaps and past parked predecessors (FaultSuiteIT must fail on
 * the order of events, promise 3).
 */
@Alternative
@Priority(1000)
@ApplicationScoped
public class GateWithoutOrderingMutant extends ProjectionGate {

    @Override
    protected Verdict judge(int sequence, Projections.Held held, boolean parkedAhead) {
        Verdict verdict = super.judge(sequence, held, parkedAhead);
        return verdict == Verdict.GAP || verdict == Verdict.BEHIND_PARKED ? Verdict.APPLY : verdict;
    }
}
