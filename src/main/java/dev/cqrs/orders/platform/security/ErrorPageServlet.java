package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.command.CommandMetadata;
import dev.cqrs.orders.platform.command.CommandTracking;
import dev.cqrs.orders.platform.json.JsonSupport;
import dev.cqrs.orders.platform.problem.Problems;
import jakarta.inject.Inject;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The error page of every answer the container writes itself, before or outside JAX-RS (WEB-INF/
 * web.xml): a token the authentication mechanism rejects (bad signature, expired, wrong issuer,
 * malformed) is a 401 from the container, not from a resource. It answers problem+json like the
 * resources do, never the container's HTML with its server name and exception text, and audits
 * the refusal of a command in its own transaction.
 */
@WebServlet("/_error")
public class ErrorPageServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(ErrorPageServlet.class.getName());

    @Inject
    AuditLog audit;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer number ? number : 404;
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        UUID correlation = UUID.randomUUID();
        if (failure instanceof Throwable thrown) {
            LOG.log(Level.SEVERE, "request failed in the container, correlation_id=" + correlation, thrown);
        }
        String uri = (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? request.getRequestURI() : uri;
        String title = switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "Payload too large";
            default -> status >= 500 ? "Server error" : "Request refused";
        };
        var body = JsonSupport.object()
                .add("type", "urn:cqrs-orders:problem:" + Problems.kindOf(status))
                .add("title", title)
                .add("status", status);
        if (status == 401) {
            body.add("detail", "a valid bearer token is required (Authorization: Bearer <JWT>)");
            response.setHeader("WWW-Authenticate", request.getHeader("Authorization") == null
                    ? "Bearer" : "Bearer error=\"invalid_token\"");
        }
        if (status >= 500) {
            body.add("incident", correlation.toString());
        }
        String problem = body.build().toString();
        boolean command = code != null && CommandAuditFilter.isCommand(request.getMethod());
        if (command) {
            // Tracked under its correlation id: whoever sent it was not known, so only an admin can follow it.
            Principal principal = request.getUserPrincipal();
            audit.record(principal == null ? CommandMetadata.ANONYMOUS : principal.getName(), null,
                    request.getMethod(), path, null, status, correlation,
                    new AuditLog.Tracking(Instant.now(), correlation.toString(), problem));
            response.setHeader(CommandTracking.HEADER, correlation.toString());
            response.addHeader("Link", CommandTracking.monitorLink(request.getContextPath(), correlation.toString()));
        }
        byte[] bytes = problem.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(Problems.MEDIA_TYPE);
        response.setContentLength(bytes.length);
        response.setHeader(CommandAuditFilter.CORRELATION_HEADER, correlation.toString());
        try (OutputStream out = response.getOutputStream()) {
            out.write(bytes);
        }
    }
}
