package dev.cqrs.orders.readmodel;

/** The tables a projection applies an event to: live ones, or a rebuild's and the verifier's in memory. */
public interface Views {

    <R extends Record> Rows<R> of(ViewTable<R> table);
}
