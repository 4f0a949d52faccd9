package dev.cqrs.orders.platform.problem;

import java.util.List;

/**
 * 403: the caller may not name this value in this field, e.g. a customer placing an order for
 * another user. Answered the same whether the named resource exists or not.
 */
public class ForbiddenFieldException extends DomainException {

    private final String field;
    private final String fieldDetail;

    public ForbiddenFieldException(String field, String fieldDetail) {
        super(field + ": " + fieldDetail);
        this.field = field;
        this.fieldDetail = fieldDetail;
    }

    @Override
    public int status() {
        return 403;
    }

    @Override
    public String kind() {
        return "forbidden";
    }

    @Override
    public String title() {
        return "Forbidden";
    }

    @Override
    public List<FieldError> errors() {
        return List.of(new FieldError(field, fieldDetail));
    }
}
