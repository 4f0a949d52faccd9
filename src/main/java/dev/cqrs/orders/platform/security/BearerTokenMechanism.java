package dev.cqrs.orders.platform.security;

import dev.cqrs.orders.platform.security.BearerTokenVerifier.InvalidTokenException;
import dev.cqrs.orders.platform.security.BearerTokenVerifier.TrustedKeys;
import dev.cqrs.orders.platform.security.BearerTokenVerifier.VerifiedToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Authenticates callers by their MicroProfile JWT bearer token, the Jakarta Security way, so the
 * same WAR does it the same way on every server: a request with {@code Authorization: Bearer <JWT>}
 * whose token {@link BearerTokenVerifier} accepts is logged in to the container as the token's
 * {@code upn} (else {@code preferred_username}, else {@code sub}) with its {@code groups} as roles;
 * a bearer token it refuses is a 401 (the container's, which WEB-INF/web.xml's error page answers
 * as problem+json); a request without one goes on anonymous (the resources' {@code @RolesAllowed}
 * answer 401 where a caller is required). A token is verified once and then found in a
 * {@link VerifiedTokenCache} until its {@code exp}.
 *
 * <p>Configuration, by MicroProfile JWT's names: {@code mp.jwt.verify.publickey} (a PEM public key
 * or a JWK Set) or {@code mp.jwt.verify.publickey.location} (a {@code file:} or {@code http(s):}
 * URL, or a class-path resource, of either), {@code mp.jwt.verify.issuer},
 * {@code mp.jwt.verify.clock.skew} (seconds), {@code mp.jwt.verify.audiences} and
 * {@code mp.jwt.verify.token.age} (optional); and
 * {@code cqrs.jwt.cache.max-entries} (default 10000, 0 turns the cache off). Read once when the
 * application starts: a missing or unreadable key, a key over plain {@code http:}, or a setting
 * this mechanism does not support (encrypted tokens, another header, cookies) fails the deployment,
 * with the reason, rather than being ignored.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    /** The request attribute holding the {@link VerifiedToken} of an authenticated request ({@link Caller}). */
    static final String TOKEN_ATTRIBUTE = VerifiedToken.class.getName();
    private static final Logger LOG = Logger.getLogger(BearerTokenMechanism.class.getName());
    private static final String BEARER = "Bearer ";

    @Inject
    Config config;

    private volatile BearerTokenVerifier verifier;
    private volatile VerifiedTokenCache cache;

    /** Reads the configuration when the application starts, so that a wrong one stops the deployment. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        configure();
    }

    private void configure() {
        if (verifier == null) {
            synchronized (this) {
                if (verifier == null) {
                    read();
                }
            }
        }
    }

    private void read() {
        for (String unsupported : List.of("mp.jwt.decrypt.key.location", "mp.jwt.token.cookie")) {
            if (config.getOptionalValue(unsupported, String.class).isPresent()) {
                throw new IllegalStateException(unsupported + " is set, but encrypted tokens and tokens in cookies are"
                        + " not supported: remove it");
            }
        }
        String header = config.getOptionalValue("mp.jwt.token.header", String.class).orElse("Authorization");
        if (!header.equalsIgnoreCase("Authorization")) {
            throw new IllegalStateException("mp.jwt.token.header=" + header + ": only the Authorization header is supported");
        }
        Optional<String> inline = config.getOptionalValue("mp.jwt.verify.publickey", String.class);
        Optional<String> location = config.getOptionalValue("mp.jwt.verify.publickey.location", String.class);
        if (inline.isPresent() && location.isPresent()) {
            throw new IllegalStateException("both mp.jwt.verify.publickey and mp.jwt.verify.publickey.location are set:"
                    + " set one");
        }
        Optional<String> algorithm = config.getOptionalValue("mp.jwt.verify.publickey.algorithm", String.class);
        if (algorithm.isPresent() && !algorithm.get().equals("RS256")) {
            throw new IllegalStateException("mp.jwt.verify.publickey.algorithm=" + algorithm.get()
                    + ": only RS256 tokens are supported");
        }
        TrustedKeys keys = TrustedKeys.parse(inline.isPresent() ? inline.get() : keyAt(location.orElseThrow(
                () -> new IllegalStateException("neither mp.jwt.verify.publickey nor mp.jwt.verify.publickey.location"
                        + " is set: bearer tokens cannot be verified"))));
        String issuer = config.getOptionalValue("mp.jwt.verify.issuer", String.class).orElse(null);
        long skew = config.getOptionalValue("mp.jwt.verify.clock.skew", Long.class).orElse(60L);
        List<String> audiences = config.getOptionalValues("mp.jwt.verify.audiences", String.class).orElse(List.of());
        long maxAge = config.getOptionalValue("mp.jwt.verify.token.age", Long.class).orElse(0L);
        int maxEntries = config.getOptionalValue("cqrs.jwt.cache.max-entries", Integer.class).orElse(10_000);
        BearerTokenVerifier configured = new BearerTokenVerifier(keys, issuer, skew, new HashSet<>(audiences), maxAge);
        cache = new VerifiedTokenCache(maxEntries);
        verifier = configured;
        LOG.info(() -> "bearer tokens: RS256 by " + keys.all().size() + " key(s), issuer " + issuer + ", clock skew "
                + skew + " s, verified tokens cached (at most " + maxEntries + ")");
    }

    /** The key text at {@code mp.jwt.verify.publickey.location}: a {@code file:} or {@code https:} URL, or a class-path resource. */
    private static String keyAt(String location) {
        try {
            if (location.startsWith("file:")) {
                return Files.readString(Path.of(URI.create(location)));
            }
            if (location.startsWith("http:")) {
                throw new IllegalArgumentException("a key over plain http could be swapped on the way: use https:");
            }
            if (location.startsWith("https:")) {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(location))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    throw new IOException("answered " + answer.statusCode());
                }
                return answer.body();
            }
            String resource = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
            try (InputStream in = Thread.currentThread().getContextClassLoader()
                    .getResourceAsStream(resource.startsWith("/") ? resource.substring(1) : resource)) {
                if (in == null) {
                    throw new IOException("no such class-path resource");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("mp.jwt.verify.publickey.location=" + location + " cannot be read: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + location, e);
        }
    }

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return context.doNothing();
        }
        java.util.Enumeration<String> all = request.getHeaders("Authorization");
        all.nextElement();
        if (all.hasMoreElements()) {
            LOG.fine("bearer token refused: more than one Authorization header");
            return context.responseUnauthorized();
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return context.doNothing();
        }
        configure();
        String token = header.substring(BEARER.length()).strip();
        long now = System.currentTimeMillis() / 1000;
        VerifiedTokenCache.Key key = VerifiedTokenCache.keyOf(token);
        VerifiedToken verified = cache.get(key, now);
        if (verified == null) {
            try {
                verified = verifier.verify(token, now);
            } catch (InvalidTokenException | RuntimeException refused) {
                LOG.log(Level.FINE, "bearer token refused: {0}", refused.getMessage());
                return context.responseUnauthorized();
            }
            cache.put(key, verified, now);
        }
        request.setAttribute(TOKEN_ATTRIBUTE, verified);
        return context.notifyContainerAboutLogin(verified.name(), verified.groups());
    }
}
