package dev.cqrs.orders.platform.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceRolesTest {

    @Test
    void unsetOrBlankMeansEveryRole() {
        assertEquals(EnumSet.allOf(Role.class), InstanceRoles.parse(null));
        assertEquals(EnumSet.allOf(Role.class), InstanceRoles.parse("  "));
    }

    @Test
    void aCommaListInAnyOrderAndCaseGivesThoseRolesInRoleOrder() {
        assertEquals(List.of(Role.COMMAND, Role.PROJECTOR), List.copyOf(InstanceRoles.parse(" projector , Command")));
        assertEquals(EnumSet.of(Role.QUERY), InstanceRoles.parse("query"));
        assertEquals(EnumSet.of(Role.QUERY), InstanceRoles.parse("query,query"));
    }

    @Test
    void anUnknownRoleStopsTheDeploymentNamingIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> InstanceRoles.parse("command,reader"));
        assertTrue(e.getMessage().contains("'reader'") && e.getMessage().contains("cqrs.roles"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> InstanceRoles.parse("command,"));
    }
}
