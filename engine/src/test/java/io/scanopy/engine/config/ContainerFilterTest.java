package io.scanopy.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --filter} values as Docker's {@code filters} parameter takes them, and the one line a bad one gets. */
class ContainerFilterTest {

    /** Values separated by {@code |}, and the JSON sent to the engine (keys sorted, values in the order given, repeats once). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "label=a;                       {\"label\":[\"a\"]}",
            "label=a=b;                     {\"label\":[\"a=b\"]}",
            "label=com.example.tier=web=1;  {\"label\":[\"com.example.tier=web=1\"]}",
            "name=web|label=a=b;            {\"label\":[\"a=b\"],\"name\":[\"web\"]}",
            "name=web|name=db|name=web;     {\"name\":[\"web\",\"db\"]}",
            "network=backend| name=^/api$ ; {\"name\":[\"^/api$\"],\"network\":[\"backend\"]}",
            "label=a|label=b;               {\"label\":[\"a\",\"b\"]}",
            "ancestor=nginx:1.25|label=a;   {\"ancestor\":[\"nginx:1.25\"],\"label\":[\"a\"]}",
    })
    void valuesBecomeDockersFiltersParameter(String given, String json) throws ConfigurationException {
        ContainerFilter filter = ContainerFilter.parse(Arrays.asList(given.split("\\|")));
        assertEquals(json, filter.toJson(List.of()));
    }

    @Test
    void theDaemonsIdsJoinTheFilterUnderTheirOwnKey() throws ConfigurationException {
        ContainerFilter filter = ContainerFilter.parse(List.of("label=a=b"));
        assertEquals("{\"id\":[\"c1\",\"c2\"],\"label\":[\"a=b\"]}", filter.toJson(List.of("c1", "c2")));
        assertEquals("{\"id\":[\"c1\"]}", ContainerFilter.none().toJson(List.of("c1")));
    }

    @Test
    void nothingGivenIsNoFilter() throws ConfigurationException {
        assertTrue(ContainerFilter.parse(List.of()).isEmpty());
        assertEquals("{}", ContainerFilter.none().toJson(List.of()));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"foo", "label", "label=", "label==b", "name=", "=web", "id=abc", "status=running", "ancestor=", "Label=a", " "})
    void aBadValueGetsOneLineNamingItAndTheSyntax(String given) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> ContainerFilter.parse(List.of("label=ok", given)));
        assertEquals("--filter " + given + ": use KEY=VALUE with KEY one of label, name, network, ancestor"
                + " (label=KEY or label=KEY=VALUE, name=NAME, network=NETWORK, ancestor=IMAGE),"
                + " as docker ps --filter takes them", e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
