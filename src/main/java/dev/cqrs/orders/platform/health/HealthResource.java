package dev.cqrs.orders.platform.health;

import dev.cqrs.orders.platform.json.JsonSupport;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * MicroProfile Health's endpoints ({@code /health}, {@code /health/ready}, {@code /health/live},
 * {@code /health/started}: the specification's JSON, 200 when every check is UP, 503 otherwise), served
 * by the application itself on its own port, from the same {@code @Readiness}/{@code @Liveness}/
 * {@code @Startup} beans the server's endpoint runs. An answer from here is an answer from the
 * application, so "ready" here can never be said before the application serves requests: Payara Micro's
 * own endpoint answered {@code {"status":"UP","checks":[]}} for one to two seconds of every start,
 * between the WAR's deployment and its checks' registration, while the application still answered
 * 404 (ReadinessIT; Payara ignores {@code mp.health.default.readiness.empty.response}). So on Payara
 * Micro the server's endpoint moves to {@code /server-health} (pre-boot commands) and this one answers
 * at {@code /health}; on WildFly it answers on the application's port beside the server's on the
 * management interface (design-decisions §11).
 */
@ApplicationScoped
@PermitAll
@Path("health")
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {

    @Inject
    @Any
    Instance<HealthCheck> checks;

    @GET
    public Response all() {
        List<HealthCheck> all = new ArrayList<>();
        all.addAll(of(Readiness.Literal.INSTANCE));
        all.addAll(of(Liveness.Literal.INSTANCE));
        all.addAll(of(Startup.Literal.INSTANCE));
        return answer(all);
    }

    @GET
    @Path("ready")
    public Response ready() {
        return answer(of(Readiness.Literal.INSTANCE));
    }

    @GET
    @Path("live")
    public Response live() {
        return answer(of(Liveness.Literal.INSTANCE));
    }

    @GET
    @Path("started")
    public Response started() {
        return answer(of(Startup.Literal.INSTANCE));
    }

    private List<HealthCheck> of(Annotation kind) {
        return checks.select(kind).stream().toList();
    }

    private static Response answer(List<HealthCheck> procedures) {
        boolean up = true;
        JsonArrayBuilder list = JsonSupport.array();
        for (HealthCheck procedure : procedures) {
            HealthCheckResponse response = Guarded.check(procedure.getClass().getSimpleName(), procedure::call);
            up &= response.getStatus() == HealthCheckResponse.Status.UP;
            JsonObjectBuilder check = JsonSupport.object()
                    .add("name", response.getName())
                    .add("status", response.getStatus().name());
            response.getData().filter(data -> !data.isEmpty()).ifPresent(data -> check.add("data", data(data)));
            list.add(check);
        }
        return Response.status(up ? 200 : 503)
                .entity(JsonSupport.object().add("status", up ? "UP" : "DOWN").add("checks", list).build())
                .build();
    }

    private static JsonObjectBuilder data(Map<String, Object> data) {
        JsonObjectBuilder object = JsonSupport.object();
        data.forEach((key, value) -> {
            if (value instanceof Boolean flag) {
                object.add(key, flag);
            } else if (value instanceof Long number) {
                object.add(key, number);
            } else {
                object.add(key, String.valueOf(value));
            }
        });
        return object;
    }
}
