package dev.cqrs.orders.platform.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * Headers that fit a JSON API, on every answer of the application (error pages included): no
 * content sniffing, no framing, no script or resource loading if a browser ever renders a body, no
 * referrer, and no caching of answers that may hold a customer's data by any shared cache: {@code
 * Cache-Control: no-store} unless the answer is a view's ({@code private, no-cache}, with validators:
 * {@code ViewValidators}), and {@code Vary: Authorization} on every answer.
 * No HSTS: the service speaks plain HTTP and TLS ends in front of it; the proxy that terminates
 * TLS is the place for {@code Strict-Transport-Security}.
 */
@WebFilter(urlPatterns = "/*", dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.ERROR}, asyncSupported = true)
public class SecurityHeadersFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        // Answers depend on who asks: no cache may hand one caller's answer to another.
        response.setHeader("Vary", "Authorization");
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            // The views' answers replace the default (ViewValidators); a server that adds response
            // headers one by one (RESTEasy) would otherwise send both directives.
            @Override
            public void addHeader(String name, String value) {
                if ("Cache-Control".equalsIgnoreCase(name)) {
                    super.setHeader(name, value);
                } else {
                    super.addHeader(name, value);
                }
            }
        });
    }
}
