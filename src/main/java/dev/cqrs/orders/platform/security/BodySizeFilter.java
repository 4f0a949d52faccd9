package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.problem.Problems;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Request bodies are bounded ({@code cqrs.http.max-body-bytes}, default 64 KiB; the largest valid
 * command is a few hundred bytes): a declared {@code Content-Length} above it is answered 413 at
 * once, and a chunked body is cut off with 413 as soon as it passes the bound, so no resource ever
 * holds more than that in memory.
 */
@Provider
@PreMatching
@ApplicationScoped
@Priority(Priorities.HEADER_DECORATOR)
public class BodySizeFilter implements ContainerRequestFilter {

    private long maxBytes;

    @PostConstruct
    void readLimit() {
        maxBytes = ConfigProvider.getConfig().getOptionalValue("cqrs.http.max-body-bytes", Long.class).orElse(65_536L);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String declared = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                request.abortWith(Problems.response(400, "bad-request", "Bad request",
                        "Content-Length is not a number", List.of()));
                return;
            }
            if (length > maxBytes) {
                request.abortWith(tooLarge(maxBytes));
                return;
            }
        }
        if (request.hasEntity()) {
            request.setEntityStream(new Bounded(request.getEntityStream(), maxBytes));
        }
    }

    static Response tooLarge(long maxBytes) {
        return Problems.response(413, "payload-too-large", "Payload too large",
                "request bodies are limited to " + maxBytes + " bytes", List.of());
    }

    /** Fails the read with 413 once more than {@code max} bytes came. */
    private static final class Bounded extends FilterInputStream {

        private final long max;
        private long read;

        Bounded(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > max) {
                throw new WebApplicationException(tooLarge(max));
            }
        }
    }
}
