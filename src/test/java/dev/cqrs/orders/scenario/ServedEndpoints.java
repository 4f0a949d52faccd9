package dev.cqrs.orders.scenario;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every endpoint the application's JAX-RS resources serve, as {@code "METHOD /path/{param}"}, read
 * from the compiled classes: what the OpenAPI document and the authorization matrix must cover.
 */
final class ServedEndpoints {

    private ServedEndpoints() {
    }

    static Set<String> all() {
        Set<String> served = new TreeSet<>();
        for (JavaClass resource : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cqrs.orders")) {
            if (!resource.isAnnotatedWith(Path.class)) {
                continue;
            }
            String base = "/" + resource.getAnnotationOfType(Path.class).value().replaceAll("^/|/$", "");
            for (JavaMethod method : resource.getMethods()) {
                for (String verb : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
                    if (method.isAnnotatedWith("jakarta.ws.rs." + verb)) {
                        String sub = method.isAnnotatedWith(Path.class)
                                ? "/" + method.getAnnotationOfType(Path.class).value().replaceAll("^/", "") : "";
                        served.add(verb + " " + (base + sub).replaceAll("^//", "/").replaceAll("(.)/$", "$1"));
                    }
                }
            }
        }
        return served;
    }
}
