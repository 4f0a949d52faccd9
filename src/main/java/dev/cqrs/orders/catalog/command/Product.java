package dev.cqrs.orders.catalog.command;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.util.UUID;

/** A product of the catalog, as the write side keeps it. Its version is its event sequence. */
@Entity
@Table(name = "products")
public class Product {

    public static final int MAX_NAME_LENGTH = 200;
    public static final BigDecimal MAX_PRICE = new BigDecimal("1000000.00");

    @Id
    @Column(name = "product_id")
    private UUID id;

    private String name;

    private BigDecimal price;

    @Version
    private int version;

    protected Product() {
    }

    private Product(UUID id, String name, BigDecimal price) {
        this.id = id;
        this.name = name;
        this.price = price;
        this.version = 1;
    }

    public static Product add(UUID id, String name, BigDecimal price) {
        return new Product(id, name, price);
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public BigDecimal price() {
        return price;
    }

    public int version() {
        return version;
    }
}
